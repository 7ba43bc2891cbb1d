"""How much work one photo upload, and one admin save, can cause.

    .venv/bin/python bench/photo_upload.py

Each case runs in a process of its own, so its peak memory (maxrss) is its own:
the photo pipeline (reports.images.process, what the admin's photo form runs once
per new file) on a single-colour 7,000 x 7,000 PNG (about 200 KB, under the 50 MP
cap: the upload of the security audit), a 24 MP camera JPEG, and a full admin
save of the most new photos one save may carry (settings.PHOTO_MAX_UPLOADS_PER_SAVE)
of the PNG. Prints seconds and peak MB above the process's own start.
"""

import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (7000, 7000), (30, 110, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    from PIL import Image

    image = Image.effect_noise((6000, 4000), 20).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=75)
    return buffer.getvalue()


def measure(path: str, count: int) -> dict:
    """In this process: read the file, then time `count` passes through the pipeline."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clair_portal.test_settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from reports import images

    data = Path(path).read_bytes()
    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    for _ in range(count):
        images.process(io.BytesIO(data))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "count": count,
        "kilobytes": len(data) // 1024,
        "seconds": round(seconds, 2),
        "peak_mb_above_start": round((peak - start_rss) / 1024),
    }


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(measure(sys.argv[2], int(sys.argv[3]))))
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clair_portal.test_settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # Before the limit existed, the audit posted eight in one form.
    limit = getattr(settings, "PHOTO_MAX_UPLOADS_PER_SAVE", 8)
    folder = Path(tempfile.mkdtemp(prefix="clair-photo-bench-"))
    files = {"png": folder / "flat.png", "jpeg": folder / "camera.jpg"}
    files["png"].write_bytes(png())
    files["jpeg"].write_bytes(jpeg())
    cases = [
        ("png", 1, "7,000 x 7,000 single-colour PNG"),
        ("jpeg", 1, "24 MP camera JPEG"),
        ("png", limit, f"one admin save: {limit} such PNGs (the most one save takes)"),
    ]
    for case, count, label in cases:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(files[case]), str(count)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        print(
            f"{label}: {result['kilobytes']:,} KB each, {result['seconds']:.2f} s, "
            f"peak {result['peak_mb_above_start']} MB above the process's start"
        )
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
