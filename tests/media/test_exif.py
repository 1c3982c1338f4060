from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from clearpost.media.exif import haversine_m, read_meta, site_at
from clearpost.media.loader import load_image
from tests.fixtures import media_gen


def test_gps_written_by_the_fixtures_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "gps.jpg"
    media_gen.save(Image.new("RGB", (64, 48), "white"), path, (40.7645, -73.9561))
    loaded = load_image(path)
    meta = read_meta(loaded.exif, loaded.info)
    assert meta.latitude == pytest.approx(40.7645, abs=1e-5)
    assert meta.longitude == pytest.approx(-73.9561, abs=1e-5)
    assert meta.device == "Synthetic TestCam 1"


def test_no_gps(tmp_path: Path) -> None:
    path = tmp_path / "plain.png"
    Image.new("RGB", (10, 10)).save(path)
    loaded = load_image(path)
    assert not read_meta(loaded.exif, loaded.info).has_gps


def test_xmp_gps_when_exif_has_none() -> None:
    xmp = (b'<rdf:Description exif:GPSLatitude="40,45.87N" exif:GPSLongitude="73,57.366W" '
           b'xmp:CreateDate="2026-05-01T10:00:00"/>')
    meta = read_meta(Image.Exif(), {"xmp": xmp})
    assert meta.latitude == pytest.approx(40.7645, abs=1e-4)
    assert meta.longitude == pytest.approx(-73.9561, abs=1e-4)
    assert meta.taken == "2026-05-01T10:00:00"


def test_haversine_known_distance() -> None:
    # one degree of latitude is about 111.2 km
    assert haversine_m(40.0, -74.0, 41.0, -74.0) == pytest.approx(111_195, rel=1e-3)


def test_geofence(policy) -> None:  # type: ignore[no-untyped-def]
    inside = site_at(*media_gen.INSIDE, policy.org.sites)
    assert inside is not None and "York Avenue" in inside[0].name and inside[1] < 50
    for point in media_gen.OUTSIDE:
        assert site_at(*point, policy.org.sites) is None
