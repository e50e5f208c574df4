"""A visitor searches the library for sore feet, finds a patient tip with its source, and
sees the guidance for their own drug first."""

from playwright.sync_api import expect


def test_search_feet_open_hand_foot_syndrome_and_read_a_tip(
    page, live_server, library, artifacts_dir
):
    page.goto(live_server.url + "/library/")
    page.get_by_label("Search the library").fill("feet")
    page.get_by_role("button", name="Search").click()

    page.get_by_role("link", name="Hand-foot syndrome").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hand-foot syndrome")
    expect(page.get_by_role("heading", name="When to call your care team")).to_be_visible()
    tips = page.locator("section", has=page.get_by_role("heading", name="Patient tips"))
    tip = tips.locator("article", has_text="Gel insoles and thick socks")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Patient tip")
    expect(tip).to_contain_text("Source:")
    expect(tip).to_contain_text("GIST Support Wiki")

    # For a patient on sunitinib, its own guidance comes first; the sorafenib tip stays, later.
    page.get_by_label("Show entries for").select_option("sunitinib")
    page.get_by_role("button", name="Show").click()
    headings = page.locator("main h2").all_inner_texts()
    assert headings.index("Clinical guidance for Sunitinib") < headings.index("Patient tips")
    expect(page.get_by_text("Gel insoles and thick socks")).to_have_count(1)
    page.screenshot(path=str(artifacts_dir / "library-hand-foot.png"), full_page=True)
