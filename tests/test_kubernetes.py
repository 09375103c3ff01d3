"""The Kubernetes source: what it reads from pod templates, and where."""

from __future__ import annotations

import textwrap

import pytest

from sockelint import engine
from sockelint.document import Document
from sockelint.finding import Finding
from sockelint.model import Facts
from sockelint.rules import RULES
from sockelint.sources import kubernetes


def facts_of(text: str) -> Facts:
    text = textwrap.dedent(text).lstrip("\n")
    return kubernetes.parse(Document("pod.yaml", text, "kubernetes"))


def findings_of(text: str) -> list[Finding]:
    text = textwrap.dedent(text).lstrip("\n")
    return engine.check(Document("pod.yaml", text, "kubernetes"), RULES)


SHARED = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: pair
    spec:
      containers:
        - name: first
          image: example/first:1
          volumeMounts:
            - {name: sock, mountPath: /var/run/docker.sock, readOnly: true}
        - name: second
          image: example/second:1
          volumeMounts:
            - name: sock
              mountPath: /var/run/docker.sock
              readOnly: true
      volumes:
        - name: sock
          hostPath:
            path: /var/run/docker.sock
"""


def test_shared_volume_is_one_written_mount_named_after_every_container() -> None:
    facts = facts_of(SHARED)

    first, second = facts.workloads
    # Each container has its own `Mount`, with the span of the one path.
    assert first.mounts[0].span == second.mounts[0].span
    mount = first.mounts[0]
    assert mount.shared_by == ["pair/first", "pair/second"]
    assert (mount.span.line, mount.span.column) == (20, 15)
    assert mount.kind == "hostPath"
    assert mount.host_path == "/run/docker.sock"
    assert mount.target == "/var/run/docker.sock"


def test_read_only_points_at_each_container_read_only_key() -> None:
    first, second = facts_of(SHARED).workloads

    ro = first.mounts[0].read_only
    assert ro is not None
    assert (ro.line, ro.column, ro.end_column) == (10, 57, 71)
    ro = second.mounts[0].read_only
    assert ro is not None
    assert (ro.line, ro.column) == (16, 11)


def test_read_only_is_kept_where_another_container_mounts_writable() -> None:
    text = SHARED.replace(
        "              readOnly: true\n", "              readOnly: false\n"
    )

    first, second = facts_of(text).workloads
    assert first.mounts[0].read_only is not None
    assert second.mounts[0].read_only is None
    found = [(f.rule, f.span.line) for f in findings_of(text)]
    assert sorted(found) == [("SL101", 20), ("SL102", 10)]


def test_container_fields() -> None:
    facts = facts_of(
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: example/app:3
                  env:
                    - name: DOCKER_HOST
                      value: tcp://dind:2375
                    - name: SECRET
                      valueFrom: {secretKeyRef: {name: s, key: k}}
                  ports:
                    - containerPort: 80
                    - containerPort: 2375
                      hostPort: 2375
                  securityContext:
                    privileged: true
        """
    )

    (workload,) = facts.workloads
    assert workload.name == "web/app"
    assert workload.origin == "kubernetes container"
    assert (workload.span.line, workload.span.column) == (9, 17)
    assert workload.image is not None and workload.image.text == "example/app:3"
    host, secret = workload.env
    assert (host.name, host.value) == ("DOCKER_HOST", "tcp://dind:2375")
    assert host.value_span is not None and host.value_span.line == 13
    assert (secret.name, secret.value) == ("SECRET", None)
    (port,) = workload.ports
    assert (port.container_port, port.host_port, port.span.line) == ("2375", "2375", 19)
    assert workload.privileged is not None
    assert (workload.privileged.line, workload.privileged.column) == (21, 13)


@pytest.mark.parametrize("value", ["false", '"true"', "null"])
def test_not_privileged(value: str) -> None:
    facts = facts_of(
        f"""
        apiVersion: v1
        kind: Pod
        spec:
          containers:
            - name: app
              securityContext:
                privileged: {value}
        """
    )

    assert facts.workloads[0].privileged is None


def test_command_and_args_become_commands_in_the_container() -> None:
    facts = facts_of(
        """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: build
        spec:
          template:
            spec:
              containers:
                - name: builder
                  image: docker:27-cli
                  command: ["docker"]
                  args: ["build", "-t", "app", "."]
        """
    )

    (workload,) = facts.workloads
    assert workload.commands
    assert workload.commands[0].argv == ["docker", "build", "-t", "app", "."]
    assert workload.commands[0].runs_in == "build/builder"
    assert facts.commands == workload.commands


def test_script_in_a_literal_block_keeps_its_lines() -> None:
    facts = facts_of(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: runner
        spec:
          containers:
            - name: sh
              command: ["sh", "-c"]
              args:
                - |
                  echo start
                  docker run -v /var/run/docker.sock:/s alpine
        """
    )

    lines = {c.argv[0]: c.span.line for c in facts.commands}
    assert lines["echo"] == 11
    assert lines["docker"] == 12


_SCRIPT_POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
    "    - name: c\n      image: docker\n"
)


@pytest.mark.parametrize(
    ("container", "expected"),
    [
        (  # folded: one line for the shell, each word on its own file line
            '      command: ["sh", "-c"]\n'
            "      args:\n"
            "        - >-\n"
            "          docker run\n"
            "          -v /var/run/docker.sock:/var/run/docker.sock\n"
            "          alpine\n",
            (13, 11, 13, 55),
        ),
        (  # literal, a more indented line keeps its indentation
            '      command: ["sh", "-c"]\n'
            "      args:\n"
            "        - |\n"
            "          echo start\n"
            "            docker run -v /var/run/docker.sock:/s alpine\n",
            (13, 24, 13, 50),
        ),
        (  # flow list, the script double-quoted with escapes
            '      command: ["sh", "-c", "echo \\"go\\"; '
            'docker run -v /var/run/docker.sock:/s alpine"]\n',
            (9, 54, 9, 80),
        ),
    ],
)
def test_script_argument_spans_however_the_scalar_is_written(
    container: str, expected: tuple[int, int, int, int]
) -> None:
    text = _SCRIPT_POD + container
    found = [
        (f.span.line, f.span.column, f.span.end_line, f.span.end_column)
        for f in engine.check(Document("pod.yaml", text, "kubernetes"), RULES)
        if f.rule == "SL101"
    ]
    assert found == [expected]


def test_unmounted_socket_volume_gets_a_stand_in_workload() -> None:
    facts = facts_of(
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: idle
        spec:
          template:
            spec:
              containers:
                - name: app
                  securityContext:
                    privileged: true
              volumes:
                - name: sock
                  hostPath:
                    path: /var/run/docker.sock
        """
    )

    app, stand_in = facts.workloads
    assert not app.mounts
    assert stand_in.name == "idle (a pod volume no container mounts yet)"
    assert stand_in.privileged is None
    assert stand_in.mounts[0].span.line == 15


POD_SPEC_PLACES = {
    "Pod": "spec:\n  {pod}",
    "PodTemplate": "template:\n  spec:\n    {pod}",
    "CronJob": "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
    "          {pod}",
    "Deployment": "spec:\n  template:\n    spec:\n      {pod}",
    "DeploymentConfig": "spec:\n  template:\n    spec:\n      {pod}",
}


@pytest.mark.parametrize("kind", sorted(POD_SPEC_PLACES))
def test_pod_spec_of_each_kind(kind: str) -> None:
    place = POD_SPEC_PLACES[kind].format(pod="containers: [{name: c, image: i}]")
    facts = facts_of(f"apiVersion: v1\nkind: {kind}\nmetadata: {{name: o}}\n{place}\n")

    assert [w.name for w in facts.workloads] == ["o/c"]


def test_list_items_are_read_once_even_through_an_alias() -> None:
    facts = facts_of(
        """
        apiVersion: v1
        kind: List
        items:
          - &pod
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers: [{name: c}]
          - *pod
          - null
          - kind: DeploymentList
            items:
              - kind: Deployment
                metadata: {name: d}
                spec: {template: {spec: {containers: [{name: c}]}}}
        """
    )

    assert [w.name for w in facts.workloads] == ["p/c", "d/c"]


def test_configmap_text_is_not_a_mount() -> None:
    facts = facts_of(
        """
        apiVersion: v1
        kind: ConfigMap
        data:
          compose.yaml: |
            volumes: ["/var/run/docker.sock:/var/run/docker.sock"]
        """
    )

    assert facts.workloads == [] and facts.problems == []


def test_a_template_outside_templates_is_read_tolerantly() -> None:
    facts = facts_of(
        """
        {{- if .Values.enabled }}
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{ .Release.Name }}
        spec:
          containers:
            - name: app
              volumeMounts: [{name: s, mountPath: /s}]
          volumes:
            - name: s
              hostPath:
                path: /var/run/docker.sock
        {{- end }}
        """
    )

    (workload,) = facts.workloads
    assert workload.name == "{{ .Release.Name }}/app"
    assert workload.mounts[0].span.line == 13
    assert facts.problems == []


MALFORMED = [
    "apiVersion: v1\nkind: Pod\nspec:\n  containers: {name: a}\n",
    "apiVersion: v1\nkind: Pod\nspec:\n  containers: [null, 3, [x]]\n",
    "apiVersion: v1\nkind: Pod\nspec: [1, 2]\n",
    "apiVersion: v1\nkind: Pod\nspec:\n  volumes: [{hostPath: {path: [x]}}]\n",
    "apiVersion: v1\nkind: Pod\nspec:\n  volumes: [{name: [a], hostPath: {path: /}}]\n"
    "  containers: [{name: c, volumeMounts: [{name: [a]}, null]}]\n",
    "apiVersion: v1\nkind: List\nitems: {a: b}\n",
    "apiVersion: v1\nkind: [List]\n",
    "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n"
    "      env: {A: b}\n      ports: [{hostPort: {x: 1}}]\n      command: sh -c true\n",
    "apiVersion: v1\nkind: Pod\nspec: &a\n  template:\n    spec: *a\n",
    "apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n",
    "- a\n- b\n",
    "",
]


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_shapes_do_not_crash(text: str) -> None:
    facts = kubernetes.parse(Document("pod.yaml", text, "kubernetes"))

    assert isinstance(facts, Facts)


def test_containers_as_a_mapping_is_a_problem() -> None:
    facts = facts_of(MALFORMED[0])

    assert [p.span.line for p in facts.problems] == [4]
    assert "mapping" in facts.problems[0].reason
