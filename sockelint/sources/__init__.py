"""Sources: one module per kind of input, each turning text into `Facts`.

Modules are imported on first use, so a run over Dockerfiles never pays for
the YAML parser and a run over compose files never loads tree-sitter unless
a command needs it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from sockelint.document import Document
from sockelint.model import Facts

Parser = Callable[[Document], Facts]

# kind -> module defining `parse(document) -> Facts`
MODULES: dict[str, str] = {
    "compose": "sockelint.sources.compose",
    "shell": "sockelint.sources.shell",
    "makefile": "sockelint.sources.makefile",
    "kubernetes": "sockelint.sources.kubernetes",
    "helm": "sockelint.sources.helm",
    "daemon-json": "sockelint.sources.daemon",
    "systemd": "sockelint.sources.systemd_unit",
    "quadlet": "sockelint.sources.quadlet",
    "default-docker": "sockelint.sources.daemon",
    "inspect": "sockelint.sources.inspect",
    "dockerfile": "sockelint.sources.dockerfile",
    "github-actions": "sockelint.sources.github_actions",
    "gitlab-ci": "sockelint.sources.gitlab_ci",
    "gitlab-runner": "sockelint.sources.gitlab_runner",
    "jenkins": "sockelint.sources.jenkins",
    "drone": "sockelint.sources.drone",
    "woodpecker": "sockelint.sources.drone",
    "azure-pipelines": "sockelint.sources.azure_pipelines",
    "circleci": "sockelint.sources.circleci",
    "bitbucket-pipelines": "sockelint.sources.bitbucket_pipelines",
    "nginx": "sockelint.sources.nginx",
    "markdown": "sockelint.sources.markdown",
    "devcontainer": "sockelint.sources.devcontainer",
    "ansible": "sockelint.sources.ansible",
    "cloud-init": "sockelint.sources.cloud_init",
    "terraform": "sockelint.sources.terraform",
    "nomad": "sockelint.sources.nomad",
    "taskfile": "sockelint.sources.taskfile",
    "justfile": "sockelint.sources.justfile",
    "package-json": "sockelint.sources.package_json",
    "dotenv": "sockelint.sources.dotenv",
    "packer": "sockelint.sources.packer",
}


def parser(kind: str) -> Parser:
    module = importlib.import_module(MODULES[kind])
    parse: Parser = module.parse
    return parse
