"""QR codes that take a brief's reader to the live page it was made from."""
import functools

import segno

# Pixels per module: a 29-module code printed 18 mm wide is then about 330 dpi, sharp with image-rendering: pixelated.
SCALE = 8


@functools.lru_cache(maxsize=256)
def qr_data_uri(url: str) -> str:
    """A PNG data URI of the URL's QR code (medium error correction), without its quiet zone (the page has it).

    PNG, not SVG: WeasyPrint embeds an image once and places it on every page, where it would draw an SVG's
    path again on each one."""
    return segno.make(url, error="m", micro=False).png_data_uri(scale=SCALE, border=0)
