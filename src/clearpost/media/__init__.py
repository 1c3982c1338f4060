"""Photos and video: metadata, text in images, faces, logos (see clearpost.media.analyze)."""

import logging

# At DEBUG, Pillow's TIFF/EXIF reader logs every short tag value (camera owner, caption,
# GPS text), which may name a patient; a service run at DEBUG would write them to its log.
# Pillow's own debug lines say nothing else we need: keep them off whatever the root level.
logging.getLogger("PIL").setLevel(logging.INFO)
