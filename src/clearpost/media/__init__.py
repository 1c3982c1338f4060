"""Photos and video: metadata, text in images, faces, logos (see clearpost.media.analyze)."""
