"""The shell source: words, spans, unwrapping, nested shells, writes."""

from __future__ import annotations

from sockelint.document import Document
from sockelint.excerpt import Excerpt
from sockelint.model import Command, Word
from sockelint.sources import shell
from sockelint.span import Span


def commands(text: str) -> list[Command]:
    return shell.parse(Document("s.sh", text, "shell")).commands


def find(text: str, program: str) -> Command:
    return next(c for c in commands(text) if c.words and c.words[0].text == program)


def word(command: Command, text: str) -> Word:
    return next(w for w in command.words if w.text == text)


def test_words_on_continuation_lines_keep_their_lines() -> None:
    run = find("docker run \\\n  -v /a:/b \\\n  img\n", "docker")

    assert run.argv == ["docker", "run", "-v", "/a:/b", "img"]
    assert word(run, "-v").span == Span("s.sh", 2, 3, 2, 5)
    assert word(run, "img").span == Span("s.sh", 3, 3, 3, 6)
    assert run.span.line == 1 and run.span.end_line == 3


def test_columns_are_characters_not_bytes() -> None:
    run = find('echo "é€" && docker run -v /x:/y img\n', "docker")

    # `é` and `€` take 5 bytes but 2 columns.
    assert word(run, "-v").span.column == len('echo "é€" && docker run ') + 1


def test_quotes_removed_and_raw_kept() -> None:
    run = find("docker run -v '/a b':\"/c\" img\n", "docker")

    value = run.words[3]
    assert value.text == "/a b:/c"
    assert value.raw == "'/a b':\"/c\""


def test_sudo_env_exec_are_unwrapped() -> None:
    for line in (
        "sudo -u root -E docker ps",
        "env -i A=1 docker ps",
        "exec nohup docker ps",
        "command docker ps",
        "time docker ps",
    ):
        assert commands(line)[0].argv == ["docker", "ps"], line
    assert [w.text for w in commands("env A=1 docker ps")[0].env] == ["A=1"]


def test_env_prefix_is_not_argv() -> None:
    command = commands("DOCKER_HOST=tcp://x:2375 docker ps\n")[0]

    assert command.argv == ["docker", "ps"]
    assert [w.text for w in command.env] == ["DOCKER_HOST=tcp://x:2375"]


def test_sh_c_string_is_parsed_with_positions_mapped() -> None:
    text = "bash -c 'echo hi; docker run -v /s:/t img'\n"
    run = find(text, "docker")

    column = text.index("-v") + 1
    assert run.argv == ["docker", "run", "-v", "/s:/t", "img"]
    assert word(run, "-v").span == Span("s.sh", 1, column, 1, column + 2)


def test_double_quoted_string_over_lines_is_mapped() -> None:
    text = 'orb exec -m vm bash -c "\nset -e\ndocker run \\\n  -v /s:/t img\n"\n'
    run = find(text, "docker")

    assert word(run, "-v").span == Span("s.sh", 4, 3, 4, 5)


def test_ssh_su_eval_hand_on_commands() -> None:
    for line in (
        "ssh -p 22 host 'docker run img'",
        'su - app -c "docker run img"',
        'eval "docker run img"',
    ):
        assert any(c.argv[:2] == ["docker", "run"] for c in commands(line)), line


def test_ansible_command_strings_are_handed_on() -> None:
    for line in (
        'ansible -i hosts all -a "docker run img" --become',
        "ansible all -m shell -a 'docker run img'",
        "ansible all -m ansible.builtin.command --args 'docker run img'",
        "ansible all -m raw --args='docker run img'",
        "su -lc 'docker run img'",
        "docker exec -u root c sh -c 'docker run img'",
        "nsenter -t 1 -m bash -c 'docker run img'",
    ):
        assert any(c.argv[:2] == ["docker", "run"] for c in commands(line)), line


def test_ansible_mapped_positions() -> None:
    text = 'ansible all -a "usermod -aG docker vagrant"\n'
    usermod = find(text, "usermod")

    column = text.index("docker") + 1
    assert word(usermod, "docker").span == Span("s.sh", 1, column, 1, column + 6)


def test_strings_that_are_not_commands_are_not_handed_on() -> None:
    for line in (
        'ansible all -m user -a "name=me groups=docker"',
        "ansible all -m copy -a 'src=docker run dest=/x'",
        "ansible-playbook site.yml -e 'docker run img'",
        "echo sh -c 'docker run img'",
        "docker exec c cat -c 'docker run img'",
    ):
        assert len(commands(line)) == 1, line


def test_a_command_run_by_docker_run_is_not_a_host_command() -> None:
    found = commands("docker run img sh -c 'chmod 666 /var/run/docker.sock'\n")

    assert [c.argv[0] for c in found] == ["docker"]


def test_variables_assigned_earlier_are_expanded() -> None:
    text = (
        "SOCK=/var/run/docker.sock\n"
        "export B=${SOCK:-x}\n"
        "docker run -v $SOCK:$B ${C:-dflt}\n"
    )
    run = find(text, "docker")

    assert run.argv[3] == "/var/run/docker.sock:/var/run/docker.sock"
    assert run.argv[4] == "dflt"
    assert find(text, "export").argv == ["export", "B=/var/run/docker.sock"]
    assert commands(text)[0].argv == ["SOCK=/var/run/docker.sock"]


def test_single_quotes_and_unknown_variables_stay() -> None:
    run = find("docker run -v '$A':$UNKNOWN img\n", "docker")

    assert run.argv[3] == "$A:$UNKNOWN"


def test_command_substitution_and_control_flow() -> None:
    text = (
        "f() { docker run a; }\n"
        "if true; then x=$(docker run b); fi\n"
        "for i in 1; do (docker run c) | cat; done\n"
        'case "$1" in x) docker run `echo` d ;; esac\n'
    )
    images = [c.argv[-1] for c in commands(text) if c.argv[:2] == ["docker", "run"]]

    assert images == ["a", "b", "c", "d"]


def test_heredoc_write_records_body() -> None:
    text = 'cat <<EOF > /etc/docker/daemon.json\n{"hosts": []}\nEOF\n'
    command = find(text, "cat")

    body = command.writes["/etc/docker/daemon.json"]
    assert body.text == '{"hosts": []}\n'
    assert body.span.line == 2


def test_tee_and_echo_writes() -> None:
    tee = find("cat <<EOF | sudo tee /etc/x.conf\nA\nEOF\n", "tee")
    echo = find("echo '{\"a\": 1}' > /etc/daemon.json\n", "echo")
    piped = find("echo 'B' | sudo tee -a /etc/y.conf >/dev/null\n", "tee")

    assert tee.writes["/etc/x.conf"].text == "A\n"
    assert echo.writes["/etc/daemon.json"].text == '{"a": 1}'
    assert echo.writes["/etc/daemon.json"].span == Span("s.sh", 1, 6, 1, 16)
    assert piped.writes["/etc/y.conf"].text == "B"


def test_templates_are_masked() -> None:
    text = "docker run -v ${{ inputs.sock }}:/s {{ .Values.image }} && docker ps\n"
    found = commands(text)

    assert [c.argv[:2] for c in found] == [["docker", "run"], ["docker", "ps"]]
    assert found[0].words[3].raw == "${{ inputs.sock }}:/s"


def test_excerpt_positions_are_mapped() -> None:
    excerpt = Excerpt.at("ci.yml", "docker run -v /s:/t img", 7, 11)
    found, problems = shell.parse_excerpt(excerpt, runs_in="job")

    assert not problems
    assert found[0].runs_in == "job"
    assert found[0].words[2].span == Span("ci.yml", 7, 22, 7, 24)


def test_commands_from_argv_follow_sh_c() -> None:
    span = Span("c.yml", 3, 5, 3, 10)
    words = [Word("sh", span, "sh"), Word("-c", span, "-c")]
    words.append(
        Word(
            "dockerd -H tcp://0.0.0.0:2375",
            Span("c.yml", 3, 20, 3, 51),
            '"dockerd -H tcp://0.0.0.0:2375"',
        )
    )
    found = shell.commands_from_argv(words, runs_in="dind")

    assert [c.argv[0] for c in found] == ["sh", "dockerd"]
    assert found[1].words[2].span == Span("c.yml", 3, 32, 3, 50)
    assert found[1].runs_in == "dind"


def test_broken_script_gives_what_it_can() -> None:
    facts = shell.parse(Document("s.sh", "docker run img\nif then fi ((\n", "shell"))

    assert facts.commands[0].argv == ["docker", "run", "img"]
    assert not facts.problems
