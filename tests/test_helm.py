"""Helm templates read without Helm: actions masked, literal YAML reported."""

from __future__ import annotations

import textwrap

import pytest

from sockelint.document import Document
from sockelint.model import Facts
from sockelint.sources import helm


def facts_of(text: str) -> Facts:
    text = textwrap.dedent(text).lstrip("\n")
    return helm.parse(Document("chart/templates/x.yaml", text, "helm"))


def test_masking_keeps_every_line_and_column() -> None:
    text = textwrap.dedent(
        """\
        {{- if .Values.on }}
        metadata:
          name: "{{ .Release.Name }}-web"
          labels: {{- include "x.labels" . | nindent 4 }}
            tier: web
        {{- end }}
        """
    )

    (masked,) = helm.masked(text)
    lines = masked.split("\n")
    assert len(lines) == len(text.split("\n"))
    assert lines[0] == "" and lines[5] == ""
    assert len(lines[2]) == len(text.split("\n")[2])
    assert "{{" not in masked and "Release.Name" in lines[2]
    assert lines[3].rstrip() == "  labels:"


def test_else_gives_a_second_reading() -> None:
    text = "{{ if .a }}\na: 1\n{{ else }}\nb: 2\n{{ end }}\n"

    first, last = helm.masked(text)
    assert "a: 1" in first and "b: 2" not in first
    assert "b: 2" in last and "a: 1" not in last


def test_text_without_actions_is_left_alone() -> None:
    assert helm.masked("a: 1\n") == ["a: 1\n"]


def test_literal_socket_path_is_reported_at_its_line() -> None:
    facts = facts_of(
        """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: {{ template "agent.fullname" . }}
        spec:
          template:
            spec:
              containers:
              - name: agent
                image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
                securityContext:
                  privileged: true
                resources:
        {{ toYaml .Values.resources | indent 10 }}
                volumeMounts:
                - name: sock
                  mountPath: /var/run/docker.sock
              volumes:
              - name: sock
                hostPath:
                  path: /var/run/docker.sock
        """
    )

    (workload,) = facts.workloads
    assert workload.name == '{{ template "agent.fullname" . }}/agent'
    assert workload.image is not None
    assert workload.image.text.startswith("{{ .Values.image.repository }}")
    assert workload.privileged is not None and workload.privileged.line == 12
    assert workload.mounts[0].span.line == 21
    assert facts.problems == []


def test_both_branches_are_read_and_shared_parts_taken_once() -> None:
    facts = facts_of(
        """
        apiVersion: v1
        kind: Pod
        spec:
          containers:
          - name: agent
        {{- if .Values.dind }}
          - name: dind
            securityContext:
              privileged: true
        {{- else }}
            volumeMounts: [{name: s, mountPath: /var/run/docker.sock}]
          volumes:
          - name: s
            hostPath:
              path: /var/run/docker.sock
        {{- end }}
        """
    )

    names = sorted(w.name for w in facts.workloads)
    assert names == ["pod/agent", "pod/agent", "pod/dind"]
    socket_holders = [w for w in facts.workloads if w.mounts]
    assert [w.mounts[0].span.line for w in socket_holders] == [15]


def test_templated_host_path_is_unresolved() -> None:
    facts = facts_of(
        """
        apiVersion: v1
        kind: Pod
        spec:
          containers:
          - name: c
            volumeMounts: [{name: s, mountPath: /data}]
          volumes:
          - name: s
            hostPath:
              path: {{ .Values.hostPath }}
        """
    )

    mount = facts.workloads[0].mounts[0]
    assert mount.source.text == "{{ .Values.hostPath }}"
    assert mount.host_path is not None and "$" in mount.host_path


def test_unreadable_template_is_a_problem() -> None:
    facts = facts_of(
        """
        apiVersion: v1
        kind: Pod
        spec:
          {{ .Values.key }}: 1
            x: [
        """
    )

    assert len(facts.problems) == 1


def test_broken_yaml_that_is_no_manifest_is_not_ours() -> None:
    facts = facts_of("title: {{ .Values.x }}\n  broken: [\n")

    assert facts.problems == []


@pytest.mark.parametrize(
    "text",
    [
        "{{ end }}\n{{ else }}\na: 1\n",
        "{{ if .a }}\na: 1\n{{ else }}\n{{ else }}\nb: 2\n",
        "a: {{ unclosed\nb: 2\n",
        "{{/* a comment\nover lines */}}\nkind: Pod\n",
        "{% if x %}\nkind: Pod\n{% else %}\nkind: List\n{% endif %}\n",
        "{{",
        "}}{{}}",
    ],
)
def test_odd_templates_do_not_crash(text: str) -> None:
    assert isinstance(facts_of(text), Facts)


def test_a_key_written_in_two_if_blocks_is_no_duplicate() -> None:
    """Only one of the two blocks renders, so a key both write is fine in a
    template, though it would be a duplicate key in plain YAML."""
    facts = facts_of(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          annotations:
            {{- if .Values.a }}
            checksum/config: {{ .Values.a }}
            {{- end }}
            {{- if .Values.b }}
            checksum/config: {{ .Values.b }}
            {{- end }}
        spec:
          containers:
            - name: web
              image: nginx
        """
    )

    assert facts.problems == []
