"""Pages fit a desktop and a 375 px phone screen; each run saves their screenshots
(into $SCREENSHOT_DIR; SCREENSHOT_DIR=docs/screenshots renews the README's)."""

import pytest

PAGES = {
    "home": "/",
    "list": "/reports/?theme=sister-cities",
    "report": "/reports/japan-korea-officials-workshop-2025/",
}
SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("name", PAGES)
def test_page_fits_the_screen_without_sideways_scrolling(page, demo, screenshot_dir, name, screen):
    viewport = SCREENS[screen]
    page.set_viewport_size(viewport)
    page.goto(PAGES[name])
    # Fonts and the lazily loaded photos in view, so the screenshot shows the page as seen.
    page.evaluate("document.fonts.ready")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=screenshot_dir / f"{name}-{screen}.png")
