"""Markdown: fenced blocks read by the source for their language, in place."""

from __future__ import annotations

from sockelint import engine
from sockelint.document import Document
from sockelint.model import Facts
from sockelint.rules import RULES
from sockelint.sources import markdown
from sockelint.span import Span


def facts(text: str) -> Facts:
    return markdown.parse(Document("docs/guide.md", text, "markdown"))


def rules(text: str) -> list[tuple[int, str]]:
    findings = engine.check(Document("docs/guide.md", text, "markdown"), RULES)
    return [(f.span.line, f.rule) for f in findings]


def fence_languages(text: str) -> list[str]:
    return [f.language for f in markdown.fences(text.split("\n"))]


def test_info_string_first_word_names_the_language() -> None:
    text = (
        "```yaml [docker-compose.yml]\na\n```\n"
        "```sh [cli]\na\n```\n"
        '```yaml title="compose.yaml"\na\n```\n'
        "```{.bash}\na\n```\n"
        "~~~Dockerfile\na\n~~~\n"
        "```\na\n```\n"
    )

    assert fence_languages(text) == ["yaml", "sh", "yaml", "bash", "dockerfile", ""]


def test_closing_fence_needs_the_same_character_and_length() -> None:
    text = "````md\n```sh\ninner\n```\n~~~\n````\n```sh\nlast\n```\n"

    found = list(markdown.fences(text.split("\n")))

    assert [(f.language, f.first, len(f.lines)) for f in found] == [
        ("md", 1, 4),
        ("sh", 7, 1),
    ]


def test_unclosed_fence_runs_to_the_end() -> None:
    found = list(markdown.fences(["```bash", "a", "b"]))

    assert found[0].lines == ["a", "b"]


def test_four_spaces_is_indented_code_outside_a_list() -> None:
    assert fence_languages("Text\n\n    ```sh\n    a\n    ```\n") == []
    assert fence_languages("- item\n\n    ```sh\n    a\n    ```\n") == ["sh"]
    assert fence_languages("!!! note\n\n    ```sh\n    a\n    ```\n") == ["sh"]


def test_inline_triple_backticks_are_not_a_fence() -> None:
    assert fence_languages("```sh``` is a tag\n") == []


def test_shell_fence_keeps_file_positions() -> None:
    text = "# Title\n\n```sh\ndocker run -v /s:/t img\n```\n"

    command = facts(text).commands[0]

    assert command.argv == ["docker", "run", "-v", "/s:/t", "img"]
    assert command.words[2].span == Span("docs/guide.md", 4, 12, 4, 14)


def test_prompts_are_stripped_and_output_skipped() -> None:
    text = (
        "```console\n"
        "$ docker run \\\n"
        ">   -v /s:/t img\n"
        "output -v /x:/y\n"
        "$ echo done\n"
        "```\n"
    )

    found = facts(text).commands

    assert [c.argv for c in found] == [
        ["docker", "run", "-v", "/s:/t", "img"],
        ["echo", "done"],
    ]
    assert found[0].words[0].span == Span("docs/guide.md", 2, 3, 2, 9)
    assert found[0].words[2].span == Span("docs/guide.md", 3, 5, 3, 7)


def test_dollar_prompts_in_a_bash_fence_make_it_a_transcript() -> None:
    text = "```bash\n$ docker ps\nCONTAINER ID   IMAGE\n```\n"

    assert [c.argv for c in facts(text).commands] == [["docker", "ps"]]


def test_heredoc_in_a_transcript_is_read_whole() -> None:
    text = "```console\n$ cat <<EOF > f\nline\nEOF\n$ echo hi\n```\n"

    assert [c.argv[0] for c in facts(text).commands] == ["cat", "echo"]


def test_compose_fence_by_services_key() -> None:
    text = (
        "Intro\n\n"
        "```yml\n"
        "services:\n"
        "  dev:\n"
        "    volumes:\n"
        "      - /var/run/docker.sock:/var/run/docker.sock\n"
        "```\n"
    )

    assert rules(text) == [(7, "SL101")]


def test_kubernetes_fence_by_api_version_and_kind() -> None:
    text = (
        "```yaml\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        "  containers: [{name: c, image: i}]\n"
        "  volumes:\n  - name: s\n    hostPath:\n      path: /run/docker.sock\n"
        "```\n"
    )

    assert rules(text) == [(10, "SL101")]


def test_other_yaml_is_not_read() -> None:
    text = "```yaml\nvolumes:\n  - /var/run/docker.sock:/var/run/docker.sock\n```\n"

    assert rules(text) == []


def test_snippet_parse_errors_are_not_findings() -> None:
    text = (
        "```yaml\nservices:\n  web: [\n```\n"
        "```sh\nif then fi ((\n```\n"
        "```dockerfile\nFROM\nRUN <<EOF\n```\n"
    )

    assert facts(text).problems == []
    assert rules(text) == []


def test_comment_inside_a_fence_suppresses() -> None:
    text = (
        "```yaml\nservices:\n  w:\n    volumes:\n"
        "      # sockelint: ignore[SL101]\n"
        "      - /var/run/docker.sock:/var/run/docker.sock\n```\n"
    )

    assert rules(text) == []


def test_prose_and_untagged_fences_are_not_read() -> None:
    text = (
        "Run `docker run -v /var/run/docker.sock:/var/run/docker.sock x`.\n\n"
        "```\ndocker run -v /var/run/docker.sock:/var/run/docker.sock x\n```\n"
        "```ini\nVolume=/run/podman/podman.sock:/var/run/docker.sock\n```\n"
    )

    assert rules(text) == []


def test_fence_in_a_block_quote_keeps_its_columns() -> None:
    text = "> Note\n>\n> ```sh\n> docker run -v /s:/t img\n> ```\n"

    command = facts(text).commands[0]

    assert command.argv == ["docker", "run", "-v", "/s:/t", "img"]
    assert command.words[2].span == Span("docs/guide.md", 4, 14, 4, 16)


def test_block_quote_ending_ends_its_fence() -> None:
    found = list(markdown.fences(["> ```sh", "> a", "b", "```sh", "c"]))

    # `b` is a paragraph after the quote; the last fence opens anew.
    assert [(f.lines, f.columns) for f in found] == [(["a"], [2]), (["c"], [0])]


def test_indented_yaml_fence_is_read_at_its_columns() -> None:
    text = (
        "1. A task:\n\n"
        "   ```yaml\n"
        "   - community.docker.docker_container:\n"
        "       name: agent\n"
        "       volumes: [/var/run/docker.sock:/var/run/docker.sock]\n"
        "   ```\n"
    )

    findings = engine.check(Document("docs/guide.md", text, "markdown"), RULES)

    assert [(f.rule, f.span.line, f.span.column) for f in findings] == [
        ("SL101", 6, 18)
    ]


def test_ini_fence_is_a_unit_only_with_a_unit_section() -> None:
    unit = (
        "```ini\n[Container]\nVolume=/var/run/docker.sock:/var/run/docker.sock\n```\n"
    )
    other = "```ini\n[agent]\nVolume=/var/run/docker.sock:/var/run/docker.sock\n```\n"

    assert rules(unit) == [(3, "SL101")]
    assert rules(other) == []
