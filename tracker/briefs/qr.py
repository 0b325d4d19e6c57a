"""QR codes that take a brief's reader to the live page it was made from."""
import functools

import segno

QR_SIDE_MM = 18


@functools.lru_cache(maxsize=256)
def qr_data_uri(url: str) -> str:
    """An SVG data URI of the URL's QR code (medium error correction), QR_SIDE_MM wide without its margin."""
    code = segno.make(url, error="m", micro=False)
    # A module's side in millimetres, so that the symbol prints QR_SIDE_MM wide whatever its version.
    return code.svg_data_uri(border=0, unit="mm", scale=QR_SIDE_MM / code.symbol_size(border=0)[0])
