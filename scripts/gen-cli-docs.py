#!/usr/bin/env python3
"""The man page (ksdoctor.1) and the bash completion, made from the CLI's own --help.

Run at build time (cmake/KsdoctorInstall.cmake) against the binary just built, so neither can drift
from the real subcommands and options. --check compares the result with docs/cli.md and with the
binary (the `cli_docs` test): every subcommand has a section in the man page and a `## ` heading in
docs/cli.md, every option of every subcommand is offered by the completion.

  gen-cli-docs.py --ksdoctor BIN --version V --cli-md docs/cli.md --man OUT.1 --bash OUT
  gen-cli-docs.py --ksdoctor BIN --cli-md docs/cli.md --check MAN BASH
"""
import argparse
import os
import re
import subprocess
import sys
import time


def help_of(binary, *args):
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    out = subprocess.run([binary, *args, "--help"], check=True, capture_output=True, text=True,
                         env=env, stdin=subprocess.DEVNULL).stdout
    return out.splitlines()


def sections(lines):
    """CLI11's help: a description, 'Usage: ...', then 'Name:' sections of indented items."""
    description, usage, current, result = [], "", None, {}
    for line in lines:
        if line.startswith("Usage: "):
            usage = line[len("Usage: "):]
        elif re.match(r"^[A-Z][A-Za-z ]*:$", line):
            current = line[:-1]
            result[current] = []
        elif current is None:
            if line.strip():
                description.append(line.strip())
        elif line.startswith("  "):
            # An item starts at column 2; a longer indent continues the previous item's description.
            if not line.startswith("   ") and result[current] is not None:
                parts = re.split(r"\s{2,}", line.strip(), maxsplit=1)
                result[current].append([parts[0], parts[1] if len(parts) > 1 else ""])
            elif result[current]:
                item = result[current][-1]
                item[1] = (item[1] + " " + line.strip()).strip()
    return " ".join(description), usage, result


def model(binary):
    description, usage, top = sections(help_of(binary))
    commands = []
    for name, summary in top.get("Subcommands", []):
        _, sub_usage, sub = sections(help_of(binary, name))
        options = []
        for spec, text in sub.get("Options", []):
            flags = [f for f in re.split(r"[ ,]", spec.split(" ")[0]) if f.startswith("-")]
            choices = re.search(r"\{([^}]*)\}", spec)
            options.append({"spec": spec, "flags": flags, "text": text,
                            "choices": choices.group(1).split(",") if choices else []})
        commands.append({"name": name, "summary": summary, "usage": sub_usage,
                         "positionals": sub.get("Positionals", []), "options": options})
    return {"description": description, "usage": usage, "top": top, "commands": commands}


def cli_md_commands(path):
    names = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^## `([a-z-]+)", line)
            if m and m.group(1) not in names:
                names.append(m.group(1))
    return names


def cli_md_section(path, title):
    """The text of the '## title' section of docs/cli.md, Markdown markup dropped."""
    out, inside = [], False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## "):
                inside = line[3:].strip() == title
                continue
            if inside:
                out.append(line.rstrip("\n"))
    return [re.sub(r"[`*]", "", l) for l in out]


def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text[:1] in (".", "'"):
        text = "\\&" + text
    return text


def man_page(m, version, cli_md):
    date = time.strftime("%Y-%m-%d", time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH",
                                                                       "0")) or None))
    out = [f'.TH KSDOCTOR 1 "{date}" "ksdoctor {version}" "User Commands"',
           ".SH NAME", "ksdoctor \\- " + roff(m["description"].split("— ", 1)[-1]),
           ".SH SYNOPSIS", ".B ksdoctor", roff("[--version] [--help] SUBCOMMAND [OPTIONS]"),
           ".SH DESCRIPTION",
           roff("ksdoctor sees a Java keystore (JKS, JCEKS, PKCS#12) exactly as the JVM does, "
                "explains why TLS would fail, and repairs it. Every subcommand takes --help."),
           ".SH COMMANDS"]
    for c in m["commands"]:
        out += [".SS " + roff(c["name"]), roff(c["summary"]), ".PP",
                ".B " + roff(c["usage"])]
        for spec, text in c["positionals"]:
            out += [".TP", ".I " + roff(spec), roff(text)]
        for o in c["options"]:
            out += [".TP", ".B " + roff(o["spec"]), roff(o["text"])]
    # docs/cli.md's table: | status | meaning |.
    rows = [re.findall(r"[^|]+", l) for l in cli_md_section(cli_md, "Exit status")]
    rows = [[c.strip() for c in r] for r in rows if len(r) >= 2 and r[0].strip().isdigit()]
    if rows:
        out += [".SH EXIT STATUS"]
        for status, meaning, *_ in rows:
            out += [".TP", ".B " + status, roff(meaning)]
    out += [".SH ENVIRONMENT",
            ".TP", ".B KSDOCTOR_STOREPASS",
            roff("the store password when no --storepass* option is given."),
            ".TP", ".B NO_COLOR",
            roff("when set and not empty: plain output, without colour, without the progress line "
                 "and with ASCII marks (OK, FAIL, ->) instead of symbols. Output that is not a "
                 "terminal never has colour or a progress line."),
            ".SH SEE ALSO", ".BR keytool (1),", ".BR openssl (1)",
            ".PP", roff("The full manual: /usr/share/doc/ksdoctor (docs/cli.md in the sources).")]
    return "\n".join(l for l in out if l != "") + "\n"


def bash_completion(m):
    commands = " ".join(c["name"] for c in m["commands"])
    top = " ".join(f for spec, _ in m["top"].get("Options", []) for f in re.split(r"[ ,]", spec)
                   if f.startswith("-"))
    cases, choice_cases = [], []
    for c in m["commands"]:
        flags = " ".join(f for o in c["options"] for f in o["flags"])
        cases.append(f'    {c["name"]}) opts="{flags}" ;;')
        for o in c["options"]:
            if o["choices"]:
                for f in o["flags"]:
                    choice_cases.append(f'    {c["name"]}:{f}) COMPREPLY=($(compgen -W '
                                        f'"{" ".join(o["choices"])}" -- "$cur")); return ;;')
    return f"""# bash completion for ksdoctor: generated from `ksdoctor --help` by scripts/gen-cli-docs.py.
_ksdoctor() {{
  local cur prev cmd opts i
  cur="${{COMP_WORDS[COMP_CWORD]}}"
  prev="${{COMP_WORDS[COMP_CWORD-1]}}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "${{COMP_WORDS[i]}}" in
      {"|".join(c["name"] for c in m["commands"])}) cmd="${{COMP_WORDS[i]}}"; break ;;
    esac
  done
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W "{commands} {top}" -- "$cur"))
    return
  fi
  case "$cmd:$prev" in
{chr(10).join(choice_cases)}
  esac
  case "$cmd" in
{chr(10).join(cases)}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}}
complete -o filenames -F _ksdoctor ksdoctor
"""


def check(m, cli_md, man_path, bash_path):
    problems = []
    man = open(man_path, encoding="utf-8").read()
    bash = open(bash_path, encoding="utf-8").read()
    names = [c["name"] for c in m["commands"]]
    if len(names) < 2:
        problems.append(f"the binary lists only {names} as subcommands")
    documented = cli_md_commands(cli_md)
    for name in names:
        if f".SS {roff(name)}\n" not in man:
            problems.append(f"man page: no section for subcommand {name}")
        if name not in documented:
            problems.append(f"docs/cli.md: no '## `{name}' section for subcommand {name}")
        if f"\n    {name}) opts=" not in bash:
            problems.append(f"bash completion: subcommand {name} missing")
    for name in documented:
        if name not in names:
            problems.append(f"docs/cli.md documents `{name}`, which the binary does not have")
    for c in m["commands"]:
        line = re.search(rf'\n    {re.escape(c["name"])}\) opts="([^"]*)"', bash)
        offered = set(line.group(1).split()) if line else set()
        for o in c["options"]:
            for f in o["flags"]:
                if f not in offered:
                    problems.append(f"bash completion: {c['name']} {f} missing")
                if f".B {roff(o['spec'])}\n" not in man:
                    problems.append(f"man page: {c['name']} {f} missing")
    for p in problems:
        print("gen-cli-docs: " + p, file=sys.stderr)
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ksdoctor", required=True)
    ap.add_argument("--cli-md", required=True)
    ap.add_argument("--version", default="")
    ap.add_argument("--man")
    ap.add_argument("--bash")
    ap.add_argument("--check", nargs=2, metavar=("MAN", "BASH"))
    a = ap.parse_args()
    m = model(a.ksdoctor)
    if a.check:
        return check(m, a.cli_md, *a.check)
    if a.man:
        with open(a.man, "w", encoding="utf-8") as f:
            f.write(man_page(m, a.version, a.cli_md))
    if a.bash:
        with open(a.bash, "w", encoding="utf-8") as f:
            f.write(bash_completion(m))
    return 0


if __name__ == "__main__":
    sys.exit(main())
