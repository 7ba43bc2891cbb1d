"""Placeholder images for demo photos, which the seed text does not have."""

import io

from PIL import Image, ImageDraw, ImageFont


def placeholder_image(*, label: str, width: int = 1200, height: int = 800, seed: int = 0) -> bytes:
    """A PNG clearly marked as a placeholder, since the seed text has no photos."""
    hue = [(11, 79, 138), (30, 110, 90), (120, 70, 30), (90, 60, 130)][seed % 4]
    image = Image.new("RGB", (width, height), hue)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=56)
    small = ImageFont.load_default(size=32)
    for i in range(0, width + height, 80):  # diagonal stripes say "not a photo" at a glance
        draw.line(
            [(i, 0), (i - height, height)], fill=tuple(min(c + 25, 255) for c in hue), width=12
        )
    draw.rectangle([60, height // 2 - 120, width - 60, height // 2 + 120], fill=(255, 255, 255))
    draw.text(
        (width // 2, height // 2 - 40),
        "PLACEHOLDER IMAGE",
        font=font,
        fill=(31, 35, 40),
        anchor="mm",
    )
    draw.text((width // 2, height // 2 + 50), label, font=small, fill=(87, 96, 106), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
