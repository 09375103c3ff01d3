"""Ansible playbooks and cloud-init user data: which files are read as
such, where findings land, Jinja and Terraform templates, and malformed
input that must never raise."""

from __future__ import annotations

import pytest

from sockelint import engine, kinds
from sockelint.document import Document
from sockelint.rules import RULES
from sockelint.sources import ansible, cloud_init


def _findings(text: str, kind: str, path: str = "x.yml") -> list[tuple[int, int, str]]:
    found = engine.check(Document(path, text, kind), RULES)
    return sorted((f.span.line, f.span.column, f.rule) for f in found)


_PLAY = "- hosts: all\n  tasks:\n    - name: x\n      shell: echo hi\n"
_TASKS = "- name: x\n  ansible.builtin.copy:\n    dest: /tmp/x\n    content: hi\n"
_LIST = "- name: alpha\n  value: 1\n- name: beta\n  value: 2\n"


@pytest.mark.parametrize(
    ("path", "head", "kind"),
    [
        ("deploy/site.yml", _PLAY, "ansible"),
        ("anything.yaml", _PLAY, "ansible"),
        ("ops/setup.yml", _TASKS, "ansible"),  # a fully qualified module
        ("roles/web/tasks/main.yml", _LIST, "ansible"),  # the folder says so
        ("roles/web/handlers/main.yml", _LIST, "ansible"),
        ("playbooks/any.yml", _LIST, "ansible"),
        ("playbook-web.yml", _LIST, "ansible"),
        ("- import_playbook.yml", "- import_playbook: web.yml\n", "ansible"),
        # Plain lists elsewhere are data, not tasks.
        ("data/items.yml", _LIST, None),
        # Home Assistant automations: `service:` nested in an action list.
        (
            "automations.yaml",
            "- alias: x\n  action:\n    - service: light.on\n      command: y\n",
            None,
        ),
        ("roles/requirements.yml", "- src: geerlingguy.docker\n", None),
        # A mapping in a tasks folder is no task list (role defaults, vars).
        ("roles/web/tasks/vars.yml", "docker_users: [deploy]\n", None),
        # Content that is another kind's wins, wherever it sits.
        ("tasks/pod.yaml", "apiVersion: v1\nkind: Pod\n", "kubernetes"),
        ("playbooks/compose.yml", "services:\n  a:\n    image: x\n", "compose"),
        (".github/workflows/ci.yml", "- hosts: all\n", "github-actions"),
    ],
)
def test_ansible_detection(path: str, head: str, kind: str | None) -> None:
    assert kinds.kind_of(path, head) == kind


@pytest.mark.parametrize(
    ("path", "head", "kind"),
    [
        ("user-data", "#cloud-config\nruncmd: []\n", "cloud-init"),
        ("infra/cloud-init.yaml", "#cloud-config\n", "cloud-init"),
        ("x.yml", "## template: jinja\n#cloud-config\n", "cloud-init"),
        ("infra/web.cloud-config", "", "cloud-init"),
        ("terraform/cloud-init.tpl", "", "cloud-init"),
        ("terraform/user-data.yaml.tpl", "", "cloud-init"),
        # `#cloud-config` only counts as the first line.
        ("notes.yml", "# see #cloud-config\nruncmd: []\n", None),
        ("other.tpl", "#cloud-config\n", "cloud-init"),  # named on the command line
        # Other formats of user data.
        ("parts.yml", "#cloud-config-archive\n- type: x\n", None),
        ("x.yml", "#cloud-config-jsonp\n", None),
    ],
)
def test_cloud_init_detection(path: str, head: str, kind: str | None) -> None:
    assert kinds.kind_of(path, head) == kind


def test_cloud_config_from_stdin_content() -> None:
    assert kinds.kind_of_text("#cloud-config\nruncmd: []\n") == "cloud-init"


@pytest.mark.parametrize(
    ("text", "variables", "expected"),
    [
        ("{{ sock }}:/s", {}, "${sock}:/s"),
        ("{{ sock }}:/s", {"sock": "/run/docker.sock"}, "/run/docker.sock:/s"),
        ("{{ s | default('/var/run/docker.sock') }}", {}, "${s:-/var/run/docker.sock}"),
        ('{{s|d("/x")}}', {}, "${s:-/x}"),
        ("{{ a }}", {"a": "{{ b }}", "b": "/run"}, "/run"),
        ("{{ a }}", {"a": "{{ a }}"}, "${a}"),  # a loop stops, unresolved
        ("{{ groups['x'] | first }}/y", {}, "${jinja}/y"),
        ("/plain", {}, "/plain"),
    ],
)
def test_jinja_resolved_as_variables(
    text: str, variables: dict[str, str], expected: str
) -> None:
    assert ansible.resolve(text, variables) == expected


def test_folded_shell_keeps_columns() -> None:
    text = (
        "- hosts: all\n"
        "  tasks:\n"
        "    - shell: >\n"
        "        docker run -d\n"
        "        -v /var/run/docker.sock:/var/run/docker.sock alpine\n"
    )
    assert _findings(text, "ansible") == [(5, 9, "SL101")]


def test_key_value_arguments_point_at_their_value() -> None:
    text = "- file: path=/var/run/docker.sock mode=0666\n"
    assert _findings(text, "ansible") == [(1, 35, "SL301")]


def test_group_in_a_comma_list_is_placed_on_its_name() -> None:
    text = "- user:\n    name: ci\n    groups: adm,  docker ,sudo\n"
    assert _findings(text, "ansible") == [(3, 19, "SL302")]


def test_the_engines_own_group_and_mode_are_no_finding() -> None:
    text = "- file: path=/var/run/docker.sock group=docker mode=0660\n"
    assert _findings(text, "ansible") == []
    # Another group with write is: its members reach the engine.
    text = "- file: path=/var/run/docker.sock group=ci mode=0660\n"
    assert _findings(text, "ansible") == [(1, 44, "SL301")]


def test_docker_host_verified_by_the_module_or_environment() -> None:
    task = "- community.docker.docker_image:\n    docker_host: tcp://h:2375\n"
    assert _findings(task, "ansible") == [(2, 18, "SL203")]
    verified = task + "    validate_certs: yes\n"
    assert _findings(verified, "ansible") == []
    by_env = task + "  environment:\n    DOCKER_TLS_VERIFY: '1'\n"
    assert _findings(by_env, "ansible") == []


def test_inline_compose_definition_with_jinja() -> None:
    text = (
        "- community.docker.docker_compose_v2:\n"
        "    definition:\n"
        "      services:\n"
        "        web:\n"
        "          image: {{ image }}\n"
        "          volumes: ['/var/run/docker.sock:/var/run/docker.sock']\n"
    )
    # `{{ image }}` is not YAML until rendered: masked, and not an SL000.
    assert _findings(text, "ansible") == [(6, 21, "SL101")]


def test_jinja_daemon_json_is_read_through_its_mask() -> None:
    text = (
        "- copy:\n"
        "    dest: /etc/docker/daemon.json\n"
        "    content: |\n"
        "      {\n"
        "      {% if docker_tcp %}\n"
        '        "hosts": ["tcp://0.0.0.0:2375"], "x": "{{ y }}"\n'
        "      {% endif %}\n"
        "      }\n"
        "- copy:\n"
        "    dest: /etc/docker/daemon.json\n"
        '    content: "{{ options | to_nice_json }}"\n'
    )
    # The second is no JSON until rendered: nothing, and no SL000.
    assert _findings(text, "ansible") == [(6, 19, "SL201")]


def test_long_mount_points_at_source_and_read_only() -> None:
    text = (
        "- docker_container:\n"
        "    name: a\n"
        "    mounts:\n"
        "      - source: /run/docker.sock\n"
        "        target: /var/run/docker.sock\n"
        "        type: bind\n"
        "        read_only: yes\n"
        "      - source: /run/docker.sock\n"
        "        target: /s\n"  # no `type`: a volume named so, not a bind
    )
    assert _findings(text, "ansible") == [(4, 17, "SL101"), (7, 9, "SL102")]


def test_play_vars_resolve_a_mount() -> None:
    text = (
        "- hosts: all\n"
        "  vars:\n"
        "    sock: /run/docker.sock\n"
        "  tasks:\n"
        "    - docker_container:\n"
        "        name: a\n"
        "        volumes: ['{{ sock }}:/sock']\n"
    )
    assert _findings(text, "ansible") == [(7, 19, "SL101")]


def test_unknown_jinja_host_path_counts_only_with_a_socket_target() -> None:
    base = "- docker_container:\n    name: a\n    volumes: ['{{ p }}:%s']\n"
    assert _findings(base % "/var/run/docker.sock", "ansible") == [(3, 15, "SL101")]
    assert _findings(base % "/data", "ansible") == []


_HOSTILE_ANSIBLE = [
    "",
    "- ~\n- 1\n- [a, b]\n",
    "hosts: all\n",  # a mapping, not a list
    "- docker_container: nope\n",
    "- docker_container:\n    volumes: {a: b}\n    mounts: x\n    env: [1]\n",
    "- docker_container:\n    command: {a: b}\n    networks: [[x]]\n",
    "- copy:\n    dest: /etc/docker/daemon.json\n    content: [1, 2]\n",
    "- copy:\n    dest: /etc/docker/daemon.json\n    content: '{bad json'\n",
    "- command:\n    argv: {a: b}\n",
    "- user:\n    groups: {docker: x}\n",
    "- file: =0666 path= mode\n",
    "- docker_compose_v2:\n    definition: services\n",
    "- docker_compose_v2:\n    definition: |\n      services: [\n",
    "- block:\n" + "".join("  " * i + "  - block:\n" for i in range(1, 60)),
    "- hosts: all\n  tasks: &t\n    - shell: echo\n  handlers: *t\n",
    "- hosts: [\n",
]


def _laughs() -> str:
    """Blocks of aliases of blocks: 10**9 tasks if each alias were read."""
    lines = ["- &t0 {shell: 'chmod 666 /var/run/docker.sock'}"]
    for level in range(1, 10):
        refs = ", ".join([f"*t{level - 1}"] * 10)
        lines.append(f"- &t{level} {{block: [{refs}]}}")
    return "\n".join(lines) + "\n"


def test_aliased_blocks_are_read_once() -> None:
    facts = ansible.parse(Document("x.yml", _laughs(), "ansible"))
    assert len(facts.commands) == 1


@pytest.mark.parametrize("text", _HOSTILE_ANSIBLE)
def test_malformed_ansible_never_raises(text: str) -> None:
    facts = ansible.parse(Document("x.yml", text, "ansible"))
    for problem in facts.problems:
        assert problem.span.line >= 1


# cloud-init ----------------------------------------------------------------


def test_write_files_block_scalar_positions() -> None:
    text = (
        "#cloud-config\n"
        "write_files:\n"
        "  - path: /etc/docker/daemon.json\n"
        "    content: |\n"
        "      {\n"
        '        "hosts": ["tcp://0.0.0.0:2375"]\n'
        "      }\n"
    )
    assert _findings(text, "cloud-init") == [(6, 19, "SL201")]


def test_runcmd_argv_item_and_string_item() -> None:
    text = (
        "#cloud-config\n"
        "runcmd:\n"
        "  - [usermod, -aG, docker, ubuntu]\n"
        "  - 'chmod 0666 /run/docker.sock'\n"
    )
    assert _findings(text, "cloud-init") == [(3, 20, "SL302"), (4, 6, "SL301")]


def test_terraform_directives_are_blanked() -> None:
    text = (
        "#cloud-config\n"
        "runcmd:\n"
        "%{ if expose ~}\n"
        "  - dockerd -H tcp://0.0.0.0:2375 &\n"
        "%{ endif ~}\n"
    )
    assert _findings(text, "cloud-init", "cloud-init.tpl") == [(4, 16, "SL201")]


def test_user_data_of_other_formats_is_not_read() -> None:
    for text in (
        "#include\nhttps://example.com/x\n",
        "Content-Type: multipart/mixed\n",
    ):
        facts = cloud_init.parse(Document("user-data.tpl", text, "cloud-init"))
        assert not facts.commands and not facts.problems


_HOSTILE_CLOUD = [
    "#cloud-config\n",
    "#cloud-config\n- a\n",
    "#cloud-config\nruncmd: echo\nbootcmd: {a: b}\n",
    "#cloud-config\nruncmd: [[], [[x]], ~, 1]\n",
    "#cloud-config\nwrite_files: [{path: [x]}, {content: y}, 1, {path: /a}]\n",
    "#cloud-config\nusers: [{groups: {a: b}}, [x], {name: [1], groups: docker}]\n",
    "#cloud-config\ngroups: [{docker: {a: b}}, [x]]\n",
    "#cloud-config\nruncmd: [\n",
    "## template: jinja\n#cloud-config\nruncmd:\n{% for x in y %}\n  - {{ x }}\n",
]


@pytest.mark.parametrize("text", _HOSTILE_CLOUD)
def test_malformed_cloud_config_never_raises(text: str) -> None:
    facts = cloud_init.parse(Document("user-data", text, "cloud-init"))
    for problem in facts.problems:
        assert problem.span.line >= 1
