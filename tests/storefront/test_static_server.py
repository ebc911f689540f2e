"""The storefront's static server: the build's files, /config.js naming the gateway, index.html
for the app's own routes, nothing outside the build."""

from __future__ import annotations

import http.client

import pytest

from infra.dev import storefront
from streaming.broker import free_port


@pytest.fixture
def served(tmp_path, monkeypatch):
    (tmp_path / "dist" / "assets").mkdir(parents=True)
    (tmp_path / "dist" / "index.html").write_text("<main>app</main>")
    (tmp_path / "dist" / "assets" / "app.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("not for browsers")
    monkeypatch.setattr(storefront, "DIST", tmp_path / "dist")
    port = free_port()
    server = storefront.start_server(port, "http://127.0.0.1:8080/graphql")
    yield port
    server.shutdown()
    server.server_close()


def get(port: int, path: str) -> tuple[int, str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.getheader("content-type") or "", response.read().decode()


def test_config_js_names_the_gateway_for_http_and_websocket(served):
    status, media, body = get(served, "/config.js")
    assert (status, media) == (200, "text/javascript")
    assert '"graphqlUrl": "http://127.0.0.1:8080/graphql"' in body
    assert '"websocketUrl": "ws://127.0.0.1:8080/graphql"' in body


def test_built_files_are_served_and_app_routes_get_index_html(served):
    assert get(served, "/assets/app.js")[2] == "console.log(1)"
    page = get(served, "/orders/42?x=1")
    assert page == (200, "text/html; charset=utf-8", "<main>app</main>")


def test_a_path_climbing_out_of_the_build_gets_the_app_not_the_file(served):
    status, _, body = get(served, "/../secret.txt")
    assert "not for browsers" not in body
    assert status in (200, 404)


def test_bundle_sizes_sum_each_kind_raw_and_gzipped(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "a-1.js").write_text("x" * 1000)
    (tmp_path / "assets" / "b-2.js").write_text("y" * 500)
    (tmp_path / "assets" / "c-3.css").write_text("body{}")
    (tmp_path / "index.html").write_text("<html>" * 100)
    sizes = storefront.bundle_sizes(tmp_path)
    assert sizes["JavaScript"][0] == 1500 and 0 < sizes["JavaScript"][1] < 1500
    assert sizes["CSS"][0] == 6
