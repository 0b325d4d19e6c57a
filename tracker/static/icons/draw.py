"""Draw the app's icons (the letter پ in white on the brand colour): `.venv/bin/python tracker/static/icons/draw.py`."""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).parent
FONT = HERE.parent / "vendor" / "fonts" / "Vazirmatn-Bold.ttf"  # copied by `make setup`
BRAND, INK = (15, 92, 122), (255, 255, 255)  # app.css --brand and --brand-ink


def draw(size: int, *, rounded: bool, mark: float) -> Image.Image:
    """A square icon; `mark` is the letter's height as a share of the side (maskable icons keep it in the safe zone)."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if rounded:
        pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=BRAND)
    else:  # maskable and Apple icons are cut by the system: fill every pixel
        pen.rectangle((0, 0, size, size), fill=BRAND)
    font = ImageFont.truetype(str(FONT), int(size * mark))
    left, top, right, bottom = pen.textbbox((0, 0), "پ", font=font)
    pen.text(((size - (right - left)) / 2 - left, (size - (bottom - top)) / 2 - top), "پ", font=font, fill=INK)
    return image if rounded else image.convert("RGB")


def main() -> None:
    icons = {
        "icon-192.png": draw(192, rounded=True, mark=0.62),
        "icon-512.png": draw(512, rounded=True, mark=0.62),
        "maskable-512.png": draw(512, rounded=False, mark=0.45),  # the safe zone is the middle 80% circle
        "apple-touch-icon.png": draw(180, rounded=False, mark=0.55),
    }
    for name, image in icons.items():
        image.save(HERE / name, optimize=True)


if __name__ == "__main__":
    main()
