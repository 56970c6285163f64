"""The admin page in a real headless Chromium: log in, delete a DSR, see it gone from the database."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from riverbed.core.migrations import upgrade
from riverbed.ingestor.dsr import import_dsr
from riverbed.ingestor.dsr.schema import dsr, usage
from riverbed.local import free_port
from tests.dsr.conftest import ADMIN_PASSWORD, make_app

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def served(pg_url: str, shared_dsrs: list[Path]) -> Iterator[tuple[str, object]]:
    """Serve the real app with two ingested DSRs on a free port."""
    upgrade(pg_url)
    app = make_app(pg_url)
    engine = app.extensions["riverbed_db"].engine
    for path in shared_dsrs[:2]:
        assert import_dsr(engine, path).status == "ingested"
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", engine
    finally:
        server.shutdown()
        thread.join(5)
        engine.dispose()


@pytest.fixture
def browser() -> Iterator[object]:
    """Start headless Chromium through chromedriver."""
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.fail(
            "chromium/chromedriver missing: run infra/local/bootstrap.sh (apt-packages.txt)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: object, by: str, value: str) -> None:
    """Wait until the page that a click loads shows the element."""
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(ec.presence_of_element_located((by, value)))  # type: ignore[arg-type]


def test_log_in_delete_a_dsr_and_its_usages(served: tuple[str, object], browser: object) -> None:
    from selenium.webdriver.common.by import By

    base, engine = served
    driver = browser  # type: ignore[assignment]
    driver.get(f"{base}/admin/dsrs")  # type: ignore[attr-defined]
    assert "/admin/dsrs/login" in driver.current_url  # type: ignore[attr-defined]

    driver.find_element(By.ID, "password").send_keys("wrong")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "login").click()  # type: ignore[attr-defined]
    wait_for(driver, By.ID, "login-error")
    assert driver.find_element(By.ID, "login-error").text == "Wrong password."  # type: ignore[attr-defined]

    driver.find_element(By.ID, "password").send_keys(ADMIN_PASSWORD)  # type: ignore[attr-defined]
    driver.find_element(By.ID, "login").click()  # type: ignore[attr-defined]
    wait_for(driver, By.ID, "dsrs")
    rows = driver.find_elements(By.CSS_SELECTOR, "#dsrs tbody tr")  # type: ignore[attr-defined]
    assert len(rows) == 2
    with engine.connect() as conn:  # type: ignore[attr-defined]
        victim, survivor = conn.scalars(select(dsr.c.id).order_by(dsr.c.id)).all()
        resources = select(func.count(usage.c.dsp_id.distinct()))
        before = conn.scalar(resources)
    row_text = driver.find_element(By.ID, f"dsr-{victim}").text  # type: ignore[attr-defined]
    assert "ingested" in row_text and "1000" in row_text

    driver.find_element(By.ID, f"delete-{victim}").click()  # type: ignore[attr-defined]
    wait_for(driver, By.ID, "confirm-delete")
    assert f"Delete DSR {victim}?" in driver.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]
    with engine.connect() as conn:  # type: ignore[attr-defined]
        assert conn.scalar(select(func.count()).where(usage.c.dsr_id == victim)) == 1000  # not yet
    driver.find_element(By.ID, "confirm-delete").click()  # type: ignore[attr-defined]
    wait_for(driver, By.CLASS_NAME, "flash")

    assert f"DSR {victim} deleted." in driver.page_source  # type: ignore[attr-defined]
    assert not driver.find_elements(By.ID, f"dsr-{victim}")  # type: ignore[attr-defined]
    assert driver.find_elements(By.ID, f"dsr-{survivor}")  # type: ignore[attr-defined]
    with engine.connect() as conn:  # type: ignore[attr-defined]
        assert conn.scalar(select(func.count()).where(dsr.c.id == victim)) == 0
        assert conn.scalar(select(func.count()).where(usage.c.dsr_id == victim)) == 0
        assert conn.scalar(select(func.count()).where(usage.c.dsr_id == survivor)) == 1000
        after = conn.scalar(resources)
    assert after is not None and before is not None
    assert 0 < after < before  # the victim's own resources went with it; shared ones stay

    # the session cookie alone cannot delete: the CSRF token is required
    session = requests.Session()
    for cookie in driver.get_cookies():  # type: ignore[attr-defined]
        session.cookies.set(cookie["name"], cookie["value"])
    forged = session.post(
        f"{base}/admin/dsrs/{survivor}/delete", data={"confirm": "yes"}, allow_redirects=False
    )
    assert forged.status_code == 400
    assert session.get(f"{base}/admin/dsrs", allow_redirects=False).status_code == 200
    with engine.connect() as conn:  # type: ignore[attr-defined]
        assert conn.scalar(select(func.count()).where(dsr.c.id == survivor)) == 1
