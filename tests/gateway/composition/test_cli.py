"""`compose` command: writes the supergraph, or exits 1 with one clear line per problem."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from gateway.composition.cli import main

from .harness import HERE

CASE = HERE / "cases" / "entity_by_key" / "subgraphs"


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "supergraph.yaml"
    path.write_text(text)
    return path


def _file_config(tmp_path: Path, extra: str = "") -> Path:
    for sdl in CASE.glob("*.graphql"):
        (tmp_path / sdl.name).write_text(sdl.read_text())
    return _config(tmp_path, f"""federation_version: =2.9.0
subgraphs:
  users:
    routing_url: http://users:4001/graphql
    schema:
      file: ./users.graphql
  orders:
    routing_url: http://orders:4002/graphql
    schema:
      file: orders.graphql
{extra}""")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_composes_files_into_the_output_path(tmp_path: Path, capsys) -> None:
    output = tmp_path / "schema" / "supergraph.graphql"
    code, _, err = _run(capsys, str(_file_config(tmp_path)), "-o", str(output))
    assert code == 0, err
    text = output.read_text()
    assert 'USERS @join__graph(name: "users", url: "http://users:4001/graphql")' in text
    assert "type User @join__type(graph: ORDERS, key: \"id\")" in text


@pytest.mark.parametrize("output", [(), ("-o", "-")])
def test_without_output_path_prints_to_stdout_like_rover(tmp_path: Path, capsys,
                                                         output: tuple[str, ...]) -> None:
    code, out, err = _run(capsys, str(_file_config(tmp_path)), *output)
    assert code == 0 and out.startswith("schema @link(") and "error" not in err


@pytest.mark.parametrize(("text", "expected"), [
    ("", "config is empty"),
    ("subgraphs: {}\n", "`subgraphs` must map at least one subgraph"),
    ("subgraph:\n  a: {}\n", "unknown key 'subgraph'"),
    ("subgraphs:\n  a:\n    routing_url: http://a\n    schema: {file: a.graphql}\n"
     "    url: http://a\n", "subgraphs.a: unknown key 'url'"),
    ("subgraphs:\n  a:\n    routing_url: http://a\n    schema: {files: a.graphql}\n",
     "subgraphs.a.schema: unknown key 'files'"),
    ("subgraphs: [oops\n", "invalid YAML at line"),
    ("subgraphs:\n  a:\n    routing_url: http://a\n    schema: {file: missing.graphql}\n",
     "[a] cannot read schema file"),
])
def test_bad_config_fails_with_one_clear_line(tmp_path: Path, capsys, text: str,
                                              expected: str) -> None:
    output = tmp_path / "out.graphql"
    code, _, err = _run(capsys, str(_config(tmp_path, text)), "-o", str(output))
    assert code == 1
    assert expected in err
    assert "Traceback" not in err
    assert not output.exists()


def test_missing_config_file_is_one_line(tmp_path: Path, capsys) -> None:
    code, _, err = _run(capsys, str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "o"))
    assert code == 1 and err.count("\n") == 1 and "cannot read config" in err


def test_malformed_sdl_names_subgraph_and_location(tmp_path: Path, capsys) -> None:
    config = _file_config(tmp_path)
    (tmp_path / "users.graphql").write_text("type User { id: ID!\ntype Query { me: User }")
    code, _, err = _run(capsys, str(config), "-o", str(tmp_path / "out.graphql"))
    assert code == 1
    assert "[users] malformed SDL at line 2, column 6" in err
    assert not (tmp_path / "out.graphql").exists()


def test_composition_errors_keep_the_old_output_untouched(tmp_path: Path, capsys) -> None:
    config = _file_config(tmp_path)
    (tmp_path / "orders.graphql").write_text((CASE / "orders.graphql").read_text().replace(
        "orders: [Order!]!", "name: Int"))
    output = tmp_path / "supergraph.graphql"
    output.write_text("previous")
    code, _, err = _run(capsys, str(config), "-o", str(output))
    assert code == 1 and "User.name" in err
    assert output.read_text() == "previous"


def test_a_subgraph_that_is_down_is_one_line(tmp_path: Path, capsys) -> None:
    config = _config(tmp_path, "subgraphs:\n  a:\n    routing_url: http://a\n"
                               "    schema: {subgraph_url: 'http://127.0.0.1:9/graphql'}\n")
    code, _, err = _run(capsys, str(config), "-o", str(tmp_path / "o"), "--timeout", "2")
    assert code == 1
    assert err.startswith("error: [a] cannot fetch SDL from http://127.0.0.1:9/graphql")
    assert err.count("\n") == 1


class _SubgraphHandler(BaseHTTPRequestHandler):
    body = b""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        body = self.body
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


def _serve_and_compose(tmp_path: Path, capsys, body: bytes) -> tuple[int, str, str, str]:
    _SubgraphHandler.body = body
    server = HTTPServer(("127.0.0.1", 0), _SubgraphHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/graphql"
    config = _config(tmp_path, f"subgraphs:\n  users:\n    schema: {{subgraph_url: '{url}'}}\n")
    try:
        return (*_run(capsys, str(config), "-o", "-"), url)
    finally:
        server.shutdown()


def test_fetches_sdl_from_a_running_subgraph(tmp_path: Path, capsys) -> None:
    # given a subgraph serving `_service { sdl }`
    sdl = (CASE / "users.graphql").read_text()
    body = json.dumps({"data": {"_service": {"sdl": sdl}}}).encode()
    # when composed, then its routing URL defaults to the subgraph_url
    code, out, err, url = _serve_and_compose(tmp_path, capsys, body)
    assert code == 0, err
    assert f'USERS @join__graph(name: "users", url: "{url}")' in out


@pytest.mark.parametrize(("body", "expected"), [
    (b"<html>oops</html>", "response is not JSON"),
    (b'{"errors": [{"message": "Cannot query field _service"}]}',
     "no data._service.sdl (Cannot query field _service)"),
])
def test_a_subgraph_answering_something_else_is_one_line(tmp_path: Path, capsys, body: bytes,
                                                         expected: str) -> None:
    code, out, err, _ = _serve_and_compose(tmp_path, capsys, body)
    assert code == 1 and out == ""
    assert expected in err and err.count("\n") == 1


def test_env_variables_are_expanded_like_rover(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("USERS_URL", "http://users.internal/graphql")
    config = _file_config(tmp_path).read_text().replace(
        "http://users:4001/graphql", "${env.USERS_URL}").replace(
        "http://orders:4002/graphql", "${env.ORDERS_URL:-http://orders.default/graphql}")
    path = _config(tmp_path, config)
    code, out, err = _run(capsys, str(path))
    assert code == 0, err
    assert 'url: "http://users.internal/graphql"' in out
    assert 'url: "http://orders.default/graphql"' in out


def test_unset_env_variable_is_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("NOPE_URL", raising=False)
    path = _config(tmp_path, "subgraphs:\n  a:\n    routing_url: ${env.NOPE_URL}\n"
                             "    schema: {file: a.graphql}\n")
    code, _, err = _run(capsys, str(path))
    assert code == 1
    assert "subgraphs.a.routing_url: environment variable NOPE_URL is not set" in err
