"""Red-team round 5: which kind the files of other programs, and the real
files of the newer kinds, are taken for (name, then first bytes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sockelint import discovery, kinds

# (path, first bytes, kind); None: not an input at all.
CASES = [
    # Perl's documentation is `*.pod` too; a Quadlet pod has unit sections.
    ("lib/Foo/Bar.pod", "=head1 NAME\n\nFoo::Bar - a thing\n\n=cut\n", None),
    ("docs/Manual.pod", "=pod\n\n  [Pod]\n  Volume=/a:/b\n\n=cut\n", None),
    ("containers/systemd/agents.pod", "[Pod]\nPodName=agents\n", "quadlet"),
    ("pods/app.pod", "# a comment\n[Unit]\nDescription=x\n", "quadlet"),
    # Terraform templates of user data, by their first line.
    ("userdata.tpl", "#cloud-config\nruncmd: []\n", "cloud-init"),
    ("init.yaml.tftpl", "#cloud-config\nusers: []\n", "cloud-init"),
    ("templates/_helpers.tpl", '{{- define "x" -}}\n{{- end }}\n', None),
    # Ansible roles' unit templates.
    ("roles/docker/templates/docker.service.j2", "[Service]\n", "systemd"),
    ("roles/docker/templates/docker.socket.j2", "[Socket]\n", "systemd"),
    ("roles/app/templates/app.conf.j2", "x\n", None),
    # Other programs' YAML.
    ("config/automations.yaml", "- alias: x\n  action:\n    - service: a.b\n", None),
    ("openapi.yaml", "openapi: 3.0.0\nparameters:\n  a:\n    in: query\n", None),
    ("ci/pipeline.yml", "jobs:\n- name: b\n  plan:\n  - task: unit\n", None),
    ("inventory/hosts.yml", "all:\n  hosts:\n    web1:\n", None),
    ("group_vars/all.yml", "docker_daemon_options:\n  hosts: [tcp://x]\n", None),
    (".github/ISSUE_TEMPLATE/bug.yml", "name: Bug\nbody:\n  - type: textarea\n", None),
    ("mkdocs.yml", "site_name: X\nnav:\n  - Home: index.md\n", None),
    (".pre-commit-hooks.yaml", "- id: x\n  name: x\n  entry: x\n", None),
    ("cloudbuild.yaml", "steps:\n- name: ubuntu\n  script: |\n    echo\n", None),
    # Other programs' HCL.
    ("vault/policy.hcl", 'path "secret/*" {\n  capabilities = ["read"]\n}\n', None),
    ("live/terragrunt.hcl", 'include "root" {\n  path = "x"\n}\n', None),
    ("deploy/app.hcl", '# spec\njob "app" {\n}\n', "nomad"),
    # Other programs' `.service` files are still units by name.
    ("dbus/org.example.Foo.service", "[D-BUS Service]\nName=x\n", "systemd"),
]


@pytest.mark.parametrize(("path", "head", "kind"), CASES, ids=[c[0] for c in CASES])
def test_kind_by_name_then_first_bytes(path: str, head: str, kind: str | None) -> None:
    assert kinds.kind_of(path, head) == kind


@pytest.mark.parametrize(("path", "head", "kind"), CASES, ids=[c[0] for c in CASES])
def test_a_walk_reads_the_first_bytes_it_needs(
    tmp_path: Path, path: str, head: str, kind: str | None
) -> None:
    file = tmp_path / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(head)

    assert discovery.kind_for(path, file) == kind


# Known gaps of the newer kinds: strict xfails (kept here rather than in
# tests/test_redteam.py, which another round was editing at the time).


def _rules(path: str, text: str) -> list[tuple[int, str]]:
    from sockelint import engine
    from sockelint.document import Document
    from sockelint.rules import RULES

    kind = kinds.kind_of(path, text[:4096])
    assert kind is not None, f"{path} is not a kind sockelint reads"
    findings = engine.check(Document(path, text, kind), RULES)
    return sorted((f.span.line, f.rule) for f in findings)


SOCKET_VOLUME = "/var/run/docker.sock:/var/run/docker.sock"


@pytest.mark.xfail(
    strict=True,
    reason="Terraform's JSON syntax (`*.tf.json`) is not read: only native "
    "HCL `*.tf` is a kind",
)
def test_terraform_json_is_read() -> None:
    text = (
        '{"resource": {"docker_container": {"a": {"image": "x", "volumes": '
        '[{"host_path": "/var/run/docker.sock", "container_path": "/s"}]}}}}\n'
    )
    assert _rules("main.tf.json", text) == [(1, "SL101")]


@pytest.mark.xfail(
    strict=True,
    reason="Levant and nomad-pack job templates (`*.nomad.tpl`, `[[ ]]` "
    "actions) are not a kind: masking their actions would be needed first",
)
def test_nomad_pack_template_is_read() -> None:
    text = (
        'job [[ template "job_name" . ]] {\n  group "g" {\n    task "t" {\n'
        '      driver = "docker"\n      config {\n'
        f'        volumes = ["{SOCKET_VOLUME}"]\n      }}\n    }}\n  }}\n}}\n'
    )
    assert _rules("templates/agent.nomad.tpl", text) == [(6, "SL101")]


@pytest.mark.xfail(
    strict=True,
    reason="Jinja in a unit template is masked, not evaluated: a socket path "
    "given only as a `default()` of a variable is an unknown word",
)
def test_unit_template_socket_from_a_jinja_default() -> None:
    text = (
        "[Service]\nExecStart=/usr/bin/docker run --rm "
        "-v {{ sock | default('/var/run/docker.sock') }}:/var/run/docker.sock x\n"
    )
    assert _rules("templates/agent.service.j2", text) == [(2, "SL101")]


@pytest.mark.xfail(
    strict=True,
    reason="GitHub Actions steps are read as bash unless the step says "
    "`shell: pwsh`: Windows runners' default (PowerShell) and "
    "`defaults.run.shell` are not followed, so a backtick continuation is lost",
)
def test_windows_runner_default_shell_is_powershell() -> None:
    text = (
        "on: push\njobs:\n  t:\n    runs-on: windows-latest\n    steps:\n"
        "      - run: |\n          docker run --rm `\n"
        "            -v //./pipe/docker_engine://./pipe/docker_engine app\n"
    )
    assert _rules(".github/workflows/w.yml", text) == [(8, "SL101")]


@pytest.mark.xfail(
    strict=True,
    reason="PowerShell scripts (`*.ps1`) are not a kind; PowerShell is read "
    "only inside CI steps, Markdown fences and justfiles",
)
def test_powershell_script_file_is_read() -> None:
    text = f"docker run --rm -v {SOCKET_VOLUME} app\n"
    assert _rules("scripts/setup.ps1", text) == [(1, "SL101")]


# Red-team round 6: false positives of the newest sources.


@pytest.mark.parametrize(
    "path", ["systemd/user/podman.socket", ".config/systemd/user/docker.socket"]
)
def test_user_unit_socket_mode_is_not_open(path: str) -> None:
    # `%t` of a user unit is its runtime folder, the user's alone (0700).
    text = "[Socket]\nListenStream=%t/podman/podman.sock\nSocketMode=0666\n"
    assert _rules(path, text) == []


def test_system_unit_socket_mode_is_still_open() -> None:
    text = "[Socket]\nListenStream=%t/podman/podman.sock\nSocketMode=0666\n"
    assert _rules("podman.socket", text) == [(3, "SL301")]


def test_cross_env_prefix_points_a_client() -> None:
    text = '{"scripts": {"t": "cross-env DOCKER_HOST=tcp://10.0.0.5:2375 jest"}}\n'
    assert _rules("package.json", text) == [(1, "SL203")]
