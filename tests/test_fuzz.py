"""Fuzzing: generated and mutated inputs of every kind never make an
exception escape, and every file is accounted for (scanned or skipped).

Short by default; `pytest --fuzz-long` runs many more cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sockelint import discovery, engine, reading
from sockelint.document import Document
from sockelint.rules import RULES

SHORT, LONG = 60, 2000
COUNTS: dict[str, int] = {}

PIECES = {
    "compose": [
        "services:\n",
        "  app:\n",
        "    image: x\n",
        "    volumes:\n",
        "      - /var/run/docker.sock:/var/run/docker.sock\n",
        "    environment:\n",
        "      DOCKER_HOST: tcp://0.0.0.0:2375\n",
        "x-a: &a [1, 2]\n",
        "    labels: *a\n",
        "<<: *a\n",
        "---\n",
    ],
    "kubernetes": [
        "apiVersion: v1\n",
        "kind: Pod\n",
        "spec:\n",
        "  volumes:\n",
        "  - name: s\n",
        "    hostPath: {path: /var/run/docker.sock}\n",
        "  containers:\n",
        "  - args: [sh, -c, 'docker run -v /:/h x']\n",
        "---\n",
        # Tekton: step scripts, stepTemplate, an embedded taskSpec.
        "apiVersion: tekton.dev/v1\nkind: Task\n",
        "  stepTemplate: {env: [{name: DOCKER_HOST, value: 'tcp://h:2375'}]}\n",
        "  steps:\n  - name: s\n    script: |\n      #!/bin/sh\n      dockerd -H tcp://0.0.0.0\n",
        "  taskSpec:\n    sidecars:\n",
        "    - {script: 'socat TCP-LISTEN:1 UNIX:/run/docker.sock'}\n",
    ],
    "dockerfile": [
        "FROM x AS a\n",
        "ARG A=$B\n",
        "ENV A=$A$A\n",
        "RUN docker run \\\n",
        "  -v /var/run/docker.sock:/s x\n",
        "VOLUME /var/run\n",
        "RUN <<EOF\ndockerd -H tcp://0.0.0.0\nEOF\n",
        "# escape=`\n",
    ],
    "shell": [
        "A=$A$A\n",
        "docker run -v /var/run/docker.sock:/s x\n",
        "sh -c \"$(echo 'docker -H tcp://h:2375 ps')\"\n",
        "cat <<EOF\n",
        "EOF\n",
        "case $x in a) b;; esac\n",
        "((\n",
        "${A:-${B:-/run}}\n",
    ],
    "makefile": [
        "A = $(A)\n",
        "B = $(C)\nC = $(B)\n",
        "all:\n",
        "\tdocker run -v /var/run/docker.sock:/s $(A)\n",
        "X := $(shell echo)\n",
        "define V\n",
        "endef\n",
    ],
    "terraform": [
        'resource "docker_container" "a" {\n',
        '  volumes {\n    host_path = "/var/run/docker.sock"\n  }\n',
        '  env = ["DOCKER_HOST=tcp://h:2375", "${var.x}"]\n',
        "  user_data = <<-EOF\n    #!/bin/sh\n    docker run -v /:/h x\n  EOF\n",
        '  command = ["sh", "-c", "dockerd -H tcp://0.0.0.0"]\n',
        "  x = { a = [for s in var.l : s] }\n",
        "/* c */ # c\n",
        "}\n",
    ],
    "nomad": [
        'job "j" {\n',
        '  group "g" {\n',
        '    task "t" {\n      driver = "docker"\n',
        '      config {\n        volumes = ["/run:/run:ro"]\n',
        '        mount {\n          type = "bind"\n          source = "/"\n        }\n',
        '      env {\n        DOCKER_HOST = "tcp://h:2375"\n      }\n',
        "}\n",
    ],
    "taskfile": [
        "version: '3'\n",
        "vars:\n  S: /var/run/docker.sock\n",
        "env:\n  DOCKER_HOST: tcp://h:2375\n",
        "tasks:\n",
        "  up:\n",
        "    cmds:\n",
        "      - docker run -v {{.S}}:{{ .S }} x\n",
        "      - cmd: docker run -v $S:/s x\n",
        "      - task: up\n",
        "  short: dockerd -H tcp://0.0.0.0:2375\n",
        "{{{{.S}}}}\n",
    ],
    "justfile": [
        'set shell := ["bash", "-c"]\n',
        's := "/var/run/docker.sock"\n',
        "r := s + '/x' / \"y\"\n",
        'export DOCKER_HOST := "tcp://h:2375"\n',
        "up a='b' +c: dep\n",
        "    @-docker run -v {{s}}:{{ s }} {{{{x}} {{a}}\n",
        "    #!/usr/bin/env bash\n",
        "    chmod 666 {{r}} \\\n",
        '[script("bash")]\n',
        "\n",
    ],
    "package-json": [
        "{",
        '"scripts": {',
        '"up": "docker run -v \\"/var/run/docker.sock:/s\\" x",',
        '"d": "dockerd -H tcp://0.0.0.0:2375 \\u0041\\n"',
        "}",
        ", ",
        '"name": "x"',
    ],
    "dotenv": [
        "DOCKER_HOST=tcp://h:2375\n",
        "export DOCKER_HOST='tcp://h:2375' # c\n",
        'DOCKER_TLS_VERIFY="1\n',
        "# comment\n",
    ],
    "packer": [
        'variable "s" {\n  default = "/var/run/docker.sock"\n}\n',
        'source "docker" "a" {\n',
        '  volumes = { "${var.s}" = "/s:ro" }\n',
        '  run_command = ["-v", "/:/h", "--", "{{.Image}}"]\n',
        "  privileged = true\n",
        "}\n",
        'build {\n  sources = ["source.docker.a"]\n',
        '  provisioner "shell" {\n    inline = ["chmod 666 /var/run/docker.sock"]\n',
        "  }\n",
    ],
    "systemd": [
        "[Unit]\n",
        "[Service]\n",
        "[Socket]\n",
        "ExecStart=/usr/bin/docker run -v /var/run/docker.sock:/s x\n",
        "ExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2375 \\\n",
        "  --tls\n",
        "Environment=DOCKER_HOST=tcp://h:2375 'A=${B}'\n",
        "ExecStartPost=/bin/sh -c 'chmod 666 /run/docker.sock'\n",
        "ListenStream=2375\n",
        "{{ jinja }}\n",
        "; c\n",
    ],
    "quadlet": [
        "[Container]\n",
        "[Pod]\n",
        "Image=x\n",
        "Volume=%t/podman/podman.sock:/var/run/docker.sock:ro\n",
        "Mount=type=bind,source=/,destination=/h\n",
        "PodmanArgs=--privileged -v /run:/run \\\n",
        "Exec=dockerd -H tcp://0.0.0.0\n",
        "[Service]\nExecStart=/bin/true\n",
    ],
    "nginx": [
        "stream {\n",
        "http {\n",
        "upstream d { server unix:/var/run/docker.sock; }\n",
        "server {\n  listen 2375 ssl;\n",
        "  location / { proxy_pass http://unix:/var/run/docker.sock:/; }\n",
        "  proxy_pass d;\n",
        "  ssl_verify_client on;\n",
        '  if ($a ~ "^(x|y)") { return 404; }\n',
        "'unterminated\n",
        "# c { \n",
        "}\n",
    ],
    "ansible": [
        "- hosts: all\n",
        "  vars:\n    s: /var/run/docker.sock\n",
        "  tasks:\n",
        "    - community.docker.docker_container:\n",
        "        volumes: ['{{ s }}:/s']\n",
        "    - shell: docker run -v /:/h x\n",
        "    - copy:\n        dest: /etc/docker/daemon.json\n",
        '        content: \'{"hosts": ["tcp://0.0.0.0:2375"]}\'\n',
        "    - user: name=a groups=docker\n",
        "    - block:\n      - &t file: {path: /run/docker.sock, mode: '666'}\n",
        "  handlers: *t\n",
        "{% if x %}\n",
    ],
    "cloud-init": [
        "#cloud-config\n",
        "runcmd:\n",
        "  - docker run -v /var/run/docker.sock:/s x\n",
        "  - [dockerd, -H, 'tcp://0.0.0.0:2375']\n",
        "write_files:\n  - path: /etc/docker/daemon.json\n",
        '    content: |\n      {"hosts": ["tcp://0.0.0.0"]}\n',
        "users:\n  - name: a\n    groups: docker\n",
        "%{ if x ~}\n",
        "${var}\n",
    ],
    "circleci": [
        "version: 2.1\n",
        "jobs:\n  b:\n",
        "    docker:\n      - image: x\n",
        "    machine: true\n",
        "    steps:\n",
        "      - run: docker run -v /var/run/docker.sock:/s x\n",
        "      - run:\n          shell: pwsh\n          command: docker ps `\n",
        "      - when:\n          steps: [checkout]\n",
        "commands:\n  c:\n    steps: []\n",
    ],
    "bitbucket-pipelines": [
        "image: x\n",
        "definitions:\n  services:\n    docker:\n      memory: 1\n",
        "  steps:\n    - step: &s\n        script: [docker ps]\n",
        "pipelines:\n  default:\n",
        "    - step: *s\n",
        "    - parallel:\n        - step:\n            script:\n",
        "              - export DOCKER_HOST=tcp://h:2375\n",
    ],
    "azure-pipelines": [
        "trigger: [main]\n",
        "steps:\n",
        "  - pwsh: |\n",
        "      docker run `\n",
        "        -v //./pipe/docker_engine://./pipe/docker_engine x\n",
        '      $s = @"\n',
        '      "@\n',
        "      <# c\n",
        "      #> $env:DOCKER_HOST = 'tcp://h:2375'\n",
        "  - script: dockerd -H tcp://0.0.0.0\n",
    ],
    "github-actions": [
        "name: a\nruns:\n",
        "  using: composite\n",
        "  using: docker\n  image: docker://x\n",
        "  args: ['-v', '/:/h']\n",
        "  steps:\n",
        "    - shell: pwsh\n      run: docker run `\n        -v /run:/run x\n",
        "    - run: docker run -v /var/run/docker.sock:/s x\n",
        "      shell: bash\n",
    ],
}
NAMES = {
    "compose": "docker-compose.yml",
    "kubernetes": "pod.yaml",
    "dockerfile": "Dockerfile",
    "shell": "run.sh",
    "makefile": "Makefile",
    "terraform": "main.tf",
    "nomad": "job.nomad",
    "taskfile": "Taskfile.yml",
    "justfile": "justfile",
    "package-json": "package.json",
    "dotenv": ".env",
    "packer": "build.pkr.hcl",
    "systemd": "app.service",
    "quadlet": "app.container",
    "nginx": "nginx.conf",
    "ansible": "playbook.yml",
    "cloud-init": "user-data",
    "circleci": ".circleci/config.yml",
    "bitbucket-pipelines": "bitbucket-pipelines.yml",
    "azure-pipelines": "azure-pipelines.yml",
    "github-actions": "action.yml",
}


def examples(config: pytest.Config) -> int:
    return LONG if config.getoption("--fuzz-long") else SHORT


@st.composite
def mutated(draw: st.DrawFn, kind: str) -> bytes:
    """Valid-ish text of the kind, then truncated, bit-flipped, nested or
    padded with a huge scalar."""
    text = "".join(draw(st.lists(st.sampled_from(PIECES[kind]), max_size=25)))
    data = text.encode()
    for _ in range(draw(st.integers(0, 3))):
        how = draw(st.sampled_from(["cut", "flip", "nest", "huge", "insert"]))
        position = draw(st.integers(0, len(data)))
        if how == "cut":
            data = data[:position]
        elif how == "flip" and data:
            at = min(position, len(data) - 1)
            data = (
                data[:at]
                + bytes([data[at] ^ draw(st.integers(1, 255))])
                + data[at + 1 :]
            )
        elif how == "nest":
            depth = draw(st.integers(1, 3000))
            opener = draw(st.sampled_from(["[", "{", "$(", "(", "  - ", "\n "]))
            data = data[:position] + opener.encode() * depth + data[position:]
        elif how == "huge":
            data = (
                data[:position] + b"a" * draw(st.integers(1, 200_000)) + data[position:]
            )
        else:
            data = data[:position] + draw(st.binary(max_size=40)) + data[position:]
    return data


@pytest.mark.parametrize("kind", sorted(PIECES))
def test_engine_never_raises(kind: str, request: pytest.FixtureRequest) -> None:
    @settings(
        max_examples=examples(request.config),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(mutated(kind))
    def check(data: bytes) -> None:
        COUNTS[f"engine:{kind}"] = COUNTS.get(f"engine:{kind}", 0) + 1
        read = reading.decode(data)
        if isinstance(read, reading.Unread):
            return
        document = Document(NAMES[kind], read.text, kind)
        findings = engine.check(document, RULES)
        assert all(f.span.line >= 1 for f in findings)
        # A source's crash is caught and shown as SL000, which hides it here.
        assert not [f.message for f in findings if "internal error" in f.message]

    check()


def test_files_are_all_accounted_for(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> None:
    @settings(
        max_examples=examples(request.config),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(st.lists(st.tuples(st.sampled_from(sorted(PIECES)), st.data()), max_size=4))
    def check(chosen: list[tuple[str, st.DataObject]]) -> None:
        COUNTS["tree"] = COUNTS.get("tree", 0) + 1
        root = tmp_path_factory.mktemp("fuzz")
        inputs_expected = 0
        for index, (kind, data) in enumerate(chosen):
            folder = root / str(index)
            folder.mkdir()
            path = folder / NAMES[kind]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data.draw(mutated(kind)))
            # A pod.yaml without apiVersion/kind is of no kind: not an input.
            inputs_expected += discovery.kind_for(path.name, path) is not None

        inputs = discovery.discover([str(root)], cwd=root)
        scanned = skipped = 0
        for item in inputs.files:
            read = reading.read(Path(item.location))
            if isinstance(read, reading.Unread):
                skipped += 1
                continue
            engine.check(Document(item.path, read.text, item.kind), RULES)
            scanned += 1
        assert scanned + skipped + len(inputs.skipped) == inputs_expected

    check()


def test_report_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """Not a check: prints how many cases ran (`-s` shows it)."""
    with capsys.disabled():
        print(f"\nfuzz cases run: {sum(COUNTS.values())} {COUNTS}")
