"""Photo metadata: GPS position, time taken, and device, from EXIF and XMP."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from PIL import ExifTags, Image

_EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class PhotoMeta:
    latitude: float | None = None
    longitude: float | None = None
    taken: str | None = None
    device: str | None = None
    has_xmp: bool = False

    @property
    def has_gps(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def _ratio(v: Any) -> float:
    if isinstance(v, tuple) and len(v) == 2:
        return float(v[0]) / float(v[1]) if v[1] else 0.0
    return float(v)


def _dms(values: Any, ref: Any) -> float | None:
    try:
        d, m, s = (_ratio(x) for x in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    deg = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if str(ref).strip().upper() in ("S", "W"):
        deg = -deg
    return deg if math.isfinite(deg) else None


_XMP_LAT = re.compile(rb'exif:GPSLatitude(?:="|>)\s*(\d+),(\d+(?:\.\d+)?)([NS])')
_XMP_LON = re.compile(rb'exif:GPSLongitude(?:="|>)\s*(\d+),(\d+(?:\.\d+)?)([EW])')
_XMP_DATE = re.compile(rb'(?:exif:DateTimeOriginal|xmp:CreateDate)(?:="|>)([0-9T:\-+.]{10,30})')


def _xmp_coord(m: re.Match[bytes] | None) -> float | None:
    if not m:
        return None
    deg = int(m.group(1)) + float(m.group(2)) / 60
    return -deg if m.group(3) in (b"S", b"W") else deg


def read_meta(exif: Image.Exif, info: dict[str, Any]) -> PhotoMeta:
    """GPS, time and device from a photo's EXIF, falling back to its XMP packet."""
    lat = lon = None
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except (KeyError, ValueError, TypeError, OSError):
        gps = {}
    if gps and ExifTags.GPS.GPSLatitude in gps and ExifTags.GPS.GPSLongitude in gps:
        lat = _dms(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef, "N"))
        lon = _dms(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef, "E"))
    try:
        sub = exif.get_ifd(ExifTags.IFD.Exif)
    except (KeyError, ValueError, TypeError, OSError):
        sub = {}
    taken = sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    make, model = exif.get(ExifTags.Base.Make), exif.get(ExifTags.Base.Model)
    device = " ".join(str(x).strip("\x00 ") for x in (make, model) if x) or None
    xmp = info.get("xmp") or info.get("XML:com.adobe.xmp") or b""
    if isinstance(xmp, str):
        xmp = xmp.encode("utf-8", "ignore")
    if xmp and (lat is None or lon is None):
        lat, lon = _xmp_coord(_XMP_LAT.search(xmp)), _xmp_coord(_XMP_LON.search(xmp))
    if xmp and not taken:
        m = _XMP_DATE.search(xmp)
        taken = m.group(1).decode() if m else None
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat = lon = None
    return PhotoMeta(latitude=lat, longitude=lon, taken=str(taken) if taken else None,
                     device=device, has_xmp=bool(xmp))


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def site_at(lat: float, lon: float, sites: Any) -> tuple[Any, float] | None:
    """The pack's site whose geofence contains the point (nearest first), with the distance."""
    best = None
    for site in sites:
        d = haversine_m(lat, lon, site.latitude, site.longitude)
        if d <= site.radius_m and (best is None or d < best[1]):
            best = (site, d)
    return best
