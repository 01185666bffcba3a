#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest against the build, printing TAP.

Usage: check-flatpak-manifest.py MANIFEST APP_ID COMMAND PROJECT MESON_OPTIONS

- the manifest is JSON, its id is APP_ID and its command is COMMAND (the GUI);
- it runs on the GNOME runtime and SDK;
- finish-args grant no file system, no session or system bus, no Flatpak
  portal escape and no plain X11;
- every -Dname=value of the module named PROJECT is an option that
  MESON_OPTIONS (our meson_options.txt) declares, with a value of its type;
- flatpak-builder --show-manifest reads it without complaint, when
  flatpak-builder is installed (it parses offline); otherwise that check is
  skipped.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

FORBIDDEN_FINISH_ARGS = {
    '--socket=session-bus': 'the whole session bus',
    '--socket=system-bus': 'the whole system bus',
    '--talk-name=org.freedesktop.Flatpak': 'a way out of the sandbox',
    '--socket=x11': 'X11 even under Wayland (use --socket=fallback-x11)',
    '--device=all': 'every device (use --device=dri)',
}

# Built-in meson options a manifest might reasonably set, with their values
# (None: any string).
MESON_BUILTINS = {
    'buildtype': ['plain', 'debug', 'debugoptimized', 'release', 'minsize', 'custom'],
    'optimization': ['plain', '0', 'g', '1', '2', '3', 's'],
    'debug': ['true', 'false'],
    'warning_level': ['0', '1', '2', '3', 'everything'],
    'werror': ['true', 'false'],
    'b_ndebug': ['true', 'false', 'if-release'],
    'b_lto': ['true', 'false'],
    'wrap_mode': ['default', 'nofallback', 'nodownload', 'forcefallback', 'nopromote'],
    'prefix': None,
    'libdir': None,
}


class MesonSyntaxError(Exception):
    pass


def tokenize(text):
    """Tokens of a meson_options.txt: strings, numbers, names, punctuation."""
    token = re.compile(r"""
        (?P<space>\s+|\#[^\n]*)
      | (?P<mstring>'''.*?''')
      | (?P<string>'(?:\\.|[^'\\\n])*')
      | (?P<number>-?\d+)
      | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
      | (?P<punct>[()\[\]:,])
    """, re.VERBOSE | re.DOTALL)
    pos = 0
    while pos < len(text):
        m = token.match(text, pos)
        if m is None:
            raise MesonSyntaxError('unexpected %r at offset %d' % (text[pos:pos + 20], pos))
        pos = m.end()
        kind = m.lastgroup
        if kind == 'space':
            continue
        value = m.group()
        if kind == 'mstring':
            yield ('string', value[3:-3])
        elif kind == 'string':
            yield ('string', re.sub(r"\\(.)", r'\1', value[1:-1]))
        elif kind == 'number':
            yield ('number', int(value))
        elif kind == 'name':
            if value in ('true', 'false'):
                yield ('bool', value == 'true')
            else:
                yield ('name', value)
        else:
            yield ('punct', value)


def parse_options(text):
    """{name: {'type': …, 'choices': …, 'min': …, 'max': …}} of option() calls."""
    tokens = list(tokenize(text))
    pos = 0

    def expect(kind, value=None):
        nonlocal pos
        if (pos >= len(tokens) or tokens[pos][0] != kind
                or (value is not None and tokens[pos][1] != value)):
            found = tokens[pos] if pos < len(tokens) else 'end of file'
            raise MesonSyntaxError('expected %s %s, found %s' % (kind, value or '', found))
        pos += 1
        return tokens[pos - 1][1]

    def literal():
        nonlocal pos
        kind, value = tokens[pos]
        if kind in ('string', 'number', 'bool'):
            pos += 1
            return value
        if (kind, value) == ('punct', '['):
            pos += 1
            items = []
            while tokens[pos] != ('punct', ']'):
                items.append(literal())
                if tokens[pos] == ('punct', ','):
                    pos += 1
            pos += 1
            return items
        raise MesonSyntaxError('unexpected %s %r' % (kind, value))

    options = {}
    while pos < len(tokens):
        if expect('name') != 'option':
            raise MesonSyntaxError('only option() calls belong in meson_options.txt')
        expect('punct', '(')
        args, kwargs = [], {}
        while tokens[pos] != ('punct', ')'):
            if tokens[pos][0] == 'name' and tokens[pos + 1] == ('punct', ':'):
                key = tokens[pos][1]
                pos += 2
                kwargs[key] = literal()
            else:
                args.append(literal())
            if tokens[pos] == ('punct', ','):
                pos += 1
        pos += 1
        if not args or not isinstance(args[0], str) or 'type' not in kwargs:
            raise MesonSyntaxError('option() needs a name and a type')
        options[args[0]] = kwargs
    return options


def value_problem(spec, value):
    """Why meson would refuse VALUE for an option declared as SPEC, or None."""
    kind = spec['type']
    if kind == 'boolean':
        return None if value.lower() in ('true', 'false') else 'a boolean is true or false'
    if kind == 'combo':
        choices = spec.get('choices', [])
        return None if value in choices else 'choose one of %s' % choices
    if kind == 'feature':
        if value in ('enabled', 'disabled', 'auto'):
            return None
        return 'a feature is enabled, disabled or auto'
    if kind == 'integer':
        if not re.fullmatch(r'-?\d+', value):
            return 'not an integer'
        number = int(value)
        if 'min' in spec and number < spec['min'] or 'max' in spec and number > spec['max']:
            return 'out of range'
        return None
    if kind == 'array':
        choices = spec.get('choices')
        items = [item for item in value.split(',') if item] if value else []
        bad = [item for item in items if choices is not None and item not in choices]
        return 'not among %s: %s' % (choices, bad) if bad else None
    if kind == 'string':
        return None
    return 'unknown option type %s' % kind


def check_config_opt(opt, options):
    """Why OPT (one config-opts entry of our module) is wrong, or None."""
    m = re.fullmatch(r'-D([A-Za-z0-9_:.-]+)=(.*)', opt, re.DOTALL)
    if m is None:
        m = re.fullmatch(r'--([a-z-]+)=(.*)', opt, re.DOTALL)
        if m is None:
            return 'not of the form -Dname=value'
        name = m.group(1).replace('-', '_')
        if name not in MESON_BUILTINS:
            return 'not a -D option, nor a built-in meson option this check knows'
    name, value = m.group(1), m.group(2)
    if name in options:
        problem = value_problem(options[name], value)
        return '%s=%s: %s' % (name, value, problem) if problem else None
    if name in MESON_BUILTINS:
        choices = MESON_BUILTINS[name]
        if choices is not None and value not in choices:
            return '%s=%s: choose one of %s' % (name, value, choices)
        return None
    return 'no option %s in meson_options.txt (it has: %s)' % (name, ', '.join(sorted(options)))


class Tap:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def check(self, ok, description, problems=()):
        self.count += 1
        print('%s %d - %s' % ('ok' if ok else 'not ok', self.count, description))
        if not ok:
            self.failed += 1
            for problem in problems:
                print('# ' + problem)

    def skip(self, description, reason):
        self.count += 1
        print('ok %d - %s # SKIP %s' % (self.count, description, reason))

    def bail(self, reason):
        print('Bail out! ' + reason)
        sys.exit(1)


def show_manifest(tap, manifest_path, app_id):
    builder = shutil.which('flatpak-builder')
    description = 'flatpak-builder --show-manifest reads it'
    if builder is None:
        tap.skip(description, 'flatpak-builder is not installed')
        return
    # It parses offline, but leaves a .flatpak-builder folder in its working
    # directory: give it a throwaway one.
    with tempfile.TemporaryDirectory(prefix='dlv-flatpak-') as tmp:
        result = subprocess.run([builder, '--show-manifest', os.path.abspath(manifest_path)],
                                cwd=tmp, capture_output=True, text=True, timeout=60,
                                env=dict(os.environ, HOME=tmp))
    problems = []
    if result.returncode != 0:
        problems.append('exit status %d: %s' % (result.returncode, result.stderr.strip()))
    # An unknown key is only a message on stderr, with exit status 0.
    for line in result.stderr.splitlines():
        if 'Unknown property' in line or 'Unknown member' in line:
            problems.append(line.strip())
    if result.returncode == 0:
        try:
            if json.loads(result.stdout).get('id') != app_id:
                problems.append('normalised manifest has another id')
        except json.JSONDecodeError as error:
            problems.append('normalised manifest is not JSON: %s' % error)
    tap.check(not problems, description, problems)


def main(argv):
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    manifest_path, app_id, command, project, options_path = argv[1:]
    tap = Tap()
    print('TAP version 13')

    try:
        with open(manifest_path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, json.JSONDecodeError) as error:
        tap.check(False, 'manifest parses as JSON', [str(error)])
        tap.bail('cannot read the manifest')
    tap.check(isinstance(manifest, dict), 'manifest parses as JSON')
    if not isinstance(manifest, dict):
        tap.bail('the manifest is not an object')

    tap.check(manifest.get('id') == app_id, 'id is %s' % app_id,
              ['id is %r' % manifest.get('id')])
    tap.check(manifest.get('command') == command, 'command is the GUI, %s' % command,
              ['command is %r' % manifest.get('command')])
    runtime_problems = []
    if manifest.get('runtime') != 'org.gnome.Platform':
        runtime_problems.append('runtime is %r' % manifest.get('runtime'))
    if manifest.get('sdk') != 'org.gnome.Sdk':
        runtime_problems.append('sdk is %r' % manifest.get('sdk'))
    if not re.fullmatch(r'\d+', str(manifest.get('runtime-version', ''))):
        runtime_problems.append('runtime-version %r is not a stable GNOME release'
                                % manifest.get('runtime-version'))
    tap.check(not runtime_problems, 'stable GNOME runtime and SDK', runtime_problems)

    finish_args = manifest.get('finish-args', [])
    problems = []
    for arg in finish_args:
        if arg == '--filesystem' or arg.startswith('--filesystem='):
            problems.append('%s: files go through the file chooser portal' % arg)
        elif arg in FORBIDDEN_FINISH_ARGS:
            problems.append('%s: %s' % (arg, FORBIDDEN_FINISH_ARGS[arg]))
    if '--socket=fallback-x11' in finish_args and '--share=ipc' not in finish_args:
        problems.append('--socket=fallback-x11 needs --share=ipc')
    tap.check(not problems, 'finish-args grant no more than needed', problems)

    try:
        with open(options_path, encoding='utf-8') as f:
            options = parse_options(f.read())
    except (OSError, MesonSyntaxError) as error:
        tap.check(False, 'meson_options.txt parses', [str(error)])
        tap.bail('cannot read meson_options.txt')
    tap.check(bool(options), 'meson_options.txt declares options')

    modules = [m for m in manifest.get('modules', []) if isinstance(m, dict)]
    ours = [m for m in modules if m.get('name') == project]
    tap.check(len(ours) == 1 and ours[0].get('buildsystem') == 'meson',
              'one module builds %s with meson' % project)
    problems = []
    for module in modules:
        for opt in module.get('config-opts', []):
            if module in ours:
                problem = check_config_opt(opt, options)
            elif not re.fullmatch(r'-D[^=]+=.*|--[a-z-]+(=.*)?', opt, re.DOTALL):
                problem = 'not of the form -Dname=value'
            else:
                problem = None
            if problem:
                problems.append('%s: %s: %s' % (module.get('name'), opt, problem))
    tap.check(not problems, 'every config-opt is an option meson_options.txt accepts', problems)

    show_manifest(tap, manifest_path, app_id)

    print('1..%d' % tap.count)
    return 1 if tap.failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
