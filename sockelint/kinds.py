"""What kind of input a file is: decided by its name, then by its content.

Only kinds with a source module are scanned; the others are skipped with a
reason, so no file is silently lost.
"""

from __future__ import annotations

import fnmatch
import functools
import re

# (pattern on the file name, kind); first match wins.
_BY_NAME: tuple[tuple[str, str], ...] = (
    ("compose.yaml", "compose"),
    ("compose.yml", "compose"),
    ("compose.*.yaml", "compose"),
    ("compose.*.yml", "compose"),
    ("compose-*.yaml", "compose"),
    ("compose-*.yml", "compose"),
    ("docker-compose*.yaml", "compose"),
    ("docker-compose*.yml", "compose"),
    ("*.compose.yaml", "compose"),
    ("*.compose.yml", "compose"),
    # Before `dockerfile.*`: `Dockerfile.md` is a document about one.
    ("*.md", "markdown"),
    ("*.markdown", "markdown"),
    ("dockerfile", "dockerfile"),
    ("dockerfile.*", "dockerfile"),
    ("*.dockerfile", "dockerfile"),
    ("containerfile", "dockerfile"),
    ("containerfile.*", "dockerfile"),
    ("makefile", "makefile"),
    ("gnumakefile", "makefile"),
    ("*.mk", "makefile"),
    ("*.sh", "shell"),
    ("*.bash", "shell"),
    ("*.zsh", "shell"),
    ("nginx.conf", "nginx"),
    ("nginx-*.conf", "nginx"),
    ("nginx_*.conf", "nginx"),
    ("*.nginx.conf", "nginx"),
    ("daemon.json", "daemon-json"),
    ("docker.service", "systemd"),
    ("docker.socket", "systemd"),
    ("*.service", "systemd"),
    ("*.socket", "systemd"),
    ("*.service.j2", "systemd"),
    ("*.socket.j2", "systemd"),
    ("*.container", "quadlet"),
    ("jenkinsfile", "jenkins"),
    ("jenkinsfile.*", "jenkins"),
    ("*.jenkinsfile", "jenkins"),
    (".gitlab-ci.yml", "gitlab-ci"),
    ("*.gitlab-ci.yml", "gitlab-ci"),
    (".drone.yml", "drone"),
    (".drone.yaml", "drone"),
    (".woodpecker.yml", "woodpecker"),
    (".woodpecker.yaml", "woodpecker"),
    ("azure-pipelines*.yml", "azure-pipelines"),
    ("azure-pipelines*.yaml", "azure-pipelines"),
    ("*.azure-pipelines.yml", "azure-pipelines"),
    ("*.azure-pipelines.yaml", "azure-pipelines"),
    ("bitbucket-pipelines.yml", "bitbucket-pipelines"),
    ("bitbucket-pipelines.yaml", "bitbucket-pipelines"),
    ("devcontainer.json", "devcontainer"),
    (".devcontainer.json", "devcontainer"),
    # cloud-init user data kept as a Terraform template, or by its own
    # suffix; other names are known by their `#cloud-config` first line.
    ("*.cloud-config", "cloud-init"),
    ("cloud-init*.tpl", "cloud-init"),
    ("cloud-config*.tpl", "cloud-init"),
    ("user-data*.tpl", "cloud-init"),
    ("user_data*.tpl", "cloud-init"),
    ("taskfile.yml", "taskfile"),
    ("taskfile.yaml", "taskfile"),
    ("taskfile.dist.yml", "taskfile"),
    ("taskfile.dist.yaml", "taskfile"),
    ("justfile", "justfile"),
    (".justfile", "justfile"),
    ("*.just", "justfile"),
    ("package.json", "package-json"),
    # direnv sources `.envrc` as a shell script.
    (".envrc", "shell"),
    (".env", "dotenv"),
    (".env.*", "dotenv"),
    ("*.env", "dotenv"),
    ("*.pkr.hcl", "packer"),
    ("*.pkr.json", "packer"),
    ("*.tf", "terraform"),
    ("*.nomad", "nomad"),
    ("*.nomad.hcl", "nomad"),
)


@functools.cache
def _by_name() -> re.Pattern[str]:
    """All of _BY_NAME as one pattern; alternatives are tried in order, so
    the first pattern that matches the whole name wins, as listed. Compiled
    on first use, not at import."""
    alternatives = (
        f"(?P<p{index}>{fnmatch.translate(pattern)})"
        for index, (pattern, _) in enumerate(_BY_NAME)
    )
    return re.compile("|".join(alternatives))


# `.circleci/config.yml`: the pipeline, whatever else the folder holds.
_CIRCLECI = ("config.yml", "config.yaml")

_SHEBANG = re.compile(r"^#!\s*\S*(?:/|env\s+)(?:ba|da|k|z)?sh\b")


def kind_of(path: str, head: str, in_chart: bool = True) -> str | None:
    """The kind of a file from its path and its first few kilobytes.

    `in_chart` says whether a `templates/` folder on the path sits beside a
    `Chart.yaml`; discovery knows (it can look at the disk), this module does
    not, so the default keeps the path alone deciding.
    """
    # Plain string splitting: this runs for every file of a walk, and
    # pathlib's parsing was most of its cost.
    parts = [
        p for p in path.replace("\\", "/").lower().split("/") if p not in ("", ".")
    ]
    name = parts[-1] if parts else ""

    by_path = _by_path(parts, name, in_chart)
    if by_path:
        return by_path
    if name.endswith(".dockerignore"):
        return None  # `Dockerfile.dockerignore`: the ignore file of that build
    by_name = _by_name().fullmatch(name)
    if by_name and by_name.lastgroup:
        return _BY_NAME[int(by_name.lastgroup[1:])][1]
    if _CLOUD_CONFIG.match(head):
        return "cloud-init"
    if name.endswith(".pod"):
        # Perl's documentation is `*.pod` too: a Quadlet pod has sections.
        return "quadlet" if _UNIT_SECTION.search(head) else None
    if name.endswith(".network"):
        # systemd-networkd's links are `*.network` too, matched by `[Match]`.
        quadlet = _NETWORK_SECTION.search(head) and not _NETWORKD_SECTION.search(head)
        return "quadlet" if quadlet else None
    if name.endswith((".yml", ".yaml")):
        return _yaml_kind(parts, head)
    if name.endswith(".hcl"):
        return "nomad" if _NOMAD_JOB.search(head) else None
    if name.endswith(".json") and _PACKER_LEGACY.search(head):
        return "packer"
    if name.endswith(".json") and head.lstrip().startswith("["):
        return "inspect" if '"HostConfig"' in head or '"Mounts"' in head else None
    if name.endswith(".json") and head.lstrip().startswith("{"):
        # One container (`docker inspect --format '{{json .}}'`).
        return "inspect" if '"HostConfig"' in head and '"Config"' in head else None
    if _SHEBANG.match(head):
        return "shell"
    return None


def _by_path(parts: list[str], name: str, in_chart: bool) -> str | None:
    if ".github" in parts and "workflows" in parts and name.endswith((".yml", ".yaml")):
        return "github-actions"
    if ".woodpecker" in parts and name.endswith((".yml", ".yaml")):
        return "woodpecker"
    if ".gitlab" in parts and name.endswith((".yml", ".yaml")):
        return "gitlab-ci"
    if len(parts) >= 2 and parts[-2] == ".circleci" and name in _CIRCLECI:
        return "circleci"
    if ".azure-pipelines" in parts and name.endswith((".yml", ".yaml")):
        return "azure-pipelines"
    if ".devcontainer" in parts and name == "devcontainer.json":
        return "devcontainer"
    if name.endswith(".conf") and len(parts) >= 2:
        folder = parts[-2]
        if folder.endswith((".service.d", ".socket.d")):
            return "systemd"
        if folder.endswith((".container.d", ".pod.d")):
            return "quadlet"
    if _is_nginx_include(parts, name):
        return "nginx"
    if len(parts) >= 2 and parts[-2] == "default" and name == "docker":
        return "default-docker"
    if name == "config.toml" and "gitlab-runner" in "/".join(parts):
        return "gitlab-runner"
    if in_chart and "templates" in parts and name.endswith((".yaml", ".yml", ".tpl")):
        return "helm" if name.endswith((".yaml", ".yml")) else None
    return None


# Where nginx keeps its included files. Other programs keep `.conf` files
# in `conf.d/` too; the nginx source reads only those that pass traffic
# on (`proxy_pass`), so theirs cost a substring search and say nothing.
_NGINX_FOLDERS = frozenset(
    {"conf.d", "sites-enabled", "sites-available", "http.d", "stream.d"}
)


def _is_nginx_include(parts: list[str], name: str) -> bool:
    if not name.endswith((".conf", ".conf.template")) or len(parts) < 2:
        return False
    return parts[-2] in _NGINX_FOLDERS or "nginx" in parts[:-1]


_K8S = re.compile(r"^apiVersion\s*:", re.MULTILINE)
_K8S_KIND = re.compile(r"^kind\s*:", re.MULTILINE)
_SERVICES = re.compile(r"^services\s*:", re.MULTILINE)


# Azure Pipelines files go by any name (templates, `pipelines/*.yml`): a
# top-level key of the schema and a step or pool only Azure writes.
_AZURE_TOP = re.compile(
    r"^(?:trigger|pr|pool|stages|jobs|steps|resources|extends|parameters"
    r"|variables|schedules)\s*:",
    re.MULTILINE,
)
_AZURE_MARK = re.compile(
    r"^\s*(?:-\s+)?vmImage\s*:"
    r"|^\s*-\s+task\s*:\s*[\w.\-]+@\d"
    r"|^\s*-\s+(?:script|bash|pwsh|powershell|checkout|container)\s*:",
    re.MULTILINE,
)
# A Taskfile included from another (`taskfiles/docker.yml`): schema
# version 3 and a top-level `tasks` mapping.
_TASKFILE_VERSION = re.compile(r"""^version\s*:\s*['"]?3(?:\.\d+)*['"]?\s*$""", re.M)
_TASKFILE_TASKS = re.compile(r"^tasks\s*:\s*$", re.MULTILINE)
# A GitLab CI file included from elsewhere (`ci/build.yml`): a job at the
# top level whose `script` sits beside a key only GitLab jobs have. GitHub
# workflows (`runs-on`, `uses`) and Bitbucket steps also say `script`.
_GITLAB_JOB = re.compile(r"^[.\w$][^\s:#]*\s*:\s*(?:&\S+\s*)?(?:#.*)?$", re.M)
_GITLAB_SCRIPT = re.compile(r"^[ \t]+(?:before_)?script\s*:", re.MULTILINE)
_GITLAB_MARK = re.compile(
    r"^[ \t]+(?:stage|image|extends|rules|needs|only|except|artifacts)\s*:",
    re.MULTILINE,
)
_NOT_GITLAB = re.compile(r"^\s*(?:-\s+)?(?:runs-on|uses|step)\s*:", re.MULTILINE)
# A GitHub action's metadata: `runs:` says how it runs.
_ACTION_RUNS = re.compile(r"^runs\s*:", re.MULTILINE)
_ACTION_NAMES = ("action.yml", "action.yaml")


def _yaml_kind(parts: list[str], head: str) -> str | None:
    if _K8S.search(head) and _K8S_KIND.search(head):
        return "kubernetes"
    if _SERVICES.search(head) and re.search(r"^\s+(image|build)\s*:", head, re.M):
        return "compose"
    if parts and parts[-1] in _ACTION_NAMES and _ACTION_RUNS.search(head):
        return "github-actions"
    if _TASKFILE_VERSION.search(head) and _TASKFILE_TASKS.search(head):
        return "taskfile"
    if _AZURE_TOP.search(head) and _AZURE_MARK.search(head):
        return "azure-pipelines"
    if (
        _GITLAB_SCRIPT.search(head)
        and _GITLAB_MARK.search(head)
        and _GITLAB_JOB.search(head)
        and not _NOT_GITLAB.search(head)
    ):
        return "gitlab-ci"
    if _is_ansible(parts, head):
        return "ansible"
    return None


# cloud-init user data: `#cloud-config` first (after a Jinja header).
_CLOUD_CONFIG = re.compile(
    r"(?:##[ \t]*template:[ \t]*jinja[ \t]*\r?\n)?#cloud-config[ \t]*(?:\r?\n|$)"
)
# Ansible: a YAML list at the top level (plays or tasks) whose items are
# plays, or tasks naming a module fully qualified (anywhere) or one of the
# common ones (as a key of a top-level item: Home Assistant's nested
# `- service:` actions are not tasks); in a `tasks/`, `handlers/` or
# `playbooks/` folder, or named as a playbook, the list alone will do.
_TOP_LIST = re.compile(r"^-(?:[ \t]|$)", re.MULTILINE)
_PLAY = re.compile(
    r"^(?:-[ \t]+|  )(?:hosts|import_playbook|ansible\.builtin\.import_playbook)"
    r"[ \t]*:",
    re.MULTILINE,
)
_MODULE_KEY = re.compile(
    r"^[ \t]*(?:-[ \t]+)?(?:ansible\.(?:builtin|legacy|posix)"
    r"|community\.(?:docker|general)|containers\.podman)\.\w+[ \t]*:"
    r"|^(?:-[ \t]+|  )(?:docker_container|podman_container|docker_compose_v2"
    r"|shell|command|apt|yum|dnf|copy|lineinfile|include_tasks|import_tasks"
    r"|include_role|set_fact|get_url)[ \t]*:",
    re.MULTILINE,
)
_ANSIBLE_FOLDERS = frozenset({"tasks", "handlers", "playbooks"})


def _is_ansible(parts: list[str], head: str) -> bool:
    if not _TOP_LIST.search(head):
        return False
    if _PLAY.search(head) or _MODULE_KEY.search(head):
        return True
    name = parts[-1] if parts else ""
    return (
        bool(_ANSIBLE_FOLDERS.intersection(parts[:-1]))
        or name.startswith("playbook")
        or name in ("site.yml", "site.yaml")
    )


# A Quadlet `.pod` unit: a section header at the start of a line.
_UNIT_SECTION = re.compile(r"^\[(?:Pod|Unit|Service|Install|Quadlet)\][ \t]*$", re.M)
# A Quadlet `.network` unit, and the sections only a networkd one has.
_NETWORK_SECTION = re.compile(r"^\[Network\][ \t]*$", re.M)
_NETWORKD_SECTION = re.compile(
    r"^\[(?:Match|Link|Address|Route|DHCPv4|DHCPv6|IPv6AcceptRA)\][ \t]*$", re.M
)

# A legacy Packer JSON template: a top-level `builders` list of objects.
_PACKER_LEGACY = re.compile(r'"builders"\s*:\s*\[\s*\{[^{}]*"type"\s*:')
# A Nomad job spec in a plain `.hcl` file (`*.nomad.hcl` goes by name).
_NOMAD_JOB = re.compile(r'^\s*job\s+"[^"\n]*"\s*\{', re.MULTILINE)

_FROM = re.compile(r"^\s*FROM\s+\S", re.MULTILINE | re.IGNORECASE)
_DIRECTIVE_OR_COMMENT = re.compile(r"^\s*(#.*)?$")


def kind_of_text(head: str) -> str | None:
    """The kind of nameless text (stdin without `--stdin-filename`), from
    its content alone: a shebang, a manifest, a compose file, `docker
    inspect` output or a Dockerfile whose first instruction is FROM."""
    if _SHEBANG.match(head):
        return "shell"
    if _CLOUD_CONFIG.match(head):
        return "cloud-init"
    stripped = head.lstrip()
    if stripped.startswith("["):
        return "inspect" if '"HostConfig"' in head or '"Mounts"' in head else None
    yaml_kind = _yaml_kind([], head)
    if yaml_kind:
        return yaml_kind
    for line in head.splitlines():
        if _DIRECTIVE_OR_COMMENT.match(line):
            continue
        return (
            "dockerfile"
            if _FROM.match(line) or line.upper().startswith("ARG ")
            else None
        )
    return None
