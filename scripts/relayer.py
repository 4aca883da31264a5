#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Re-runnable, idempotent layering of mrc's tree (issue 13, items 3 and 8).

Run from the repository root (or pass --root):  python3 scripts/relayer.py [--check] [--format]

It
 1. moves files with `git mv`, for whatever is in the old places when it runs:
      core/jobs/{history,historywatcher,jobstate}.*, core/publish/pushaudit.*   -> core/history/
      core/lint/fleetlint.*                                                      -> core/workspace/
      core/engine/dockercontext.*                                                -> core/manifest/
      core/jobs/buildscript.*                                                    -> core/dockerfile/
      core/tests/*                                                               -> core/imagetests/
 2. rewrites every #include of a project header to the qualified form ("workspace/cell.h", "models/x.h",
    "views/x.h", "cli/x.h", "desktop/x.h", "common/x.h"), in core/, models/, views/, app/, tests/, bench/, fuzz/;
 3. rewrites BuildPlan::argumentNames to BuildScript::argumentNames (lint may not use jobs/);
 4. drops the old per-folder `target_sources(mrc_core PRIVATE ...)` lists (each core folder is now a library that
    globs its own folder), retargets `mrc_core PRIVATE` include lines to the folder's library, and writes the
    layer table into core/CMakeLists.txt between the BEGIN/END markers. A core folder the table does not know
    gets the folders it includes as its dependencies, and is listed so that someone reviews it;
 5. checks the include graph against the layer table and prints every upward or undeclared include.
With --format it finally runs clang-format-14 -i on every C++ file. Running it twice changes nothing the second
time. With --check it changes nothing and exits 1 when a file would change or an include goes upward.
"""
import argparse
import os
import re
import subprocess
import sys

# Layer table: folder -> the core folders it may include (directly). Lowest first. Keep in step with
# docs/architecture-notes.rst.
LAYERS = [
    ("threading", []),  # JobTracker, WorkerThread: every folder above may use it (BASE)
    ("manifest", []),
    ("git", []),
    ("dockerfile", []),
    ("history", ["manifest"]),  # the automation queue records events whose kinds the manifest's policy names
    ("highlight", []),
    ("engine", ["manifest"]),
    ("registry", []),
    ("secrets", ["registry"]),
    ("logs", ["engine"]),
    ("lint", ["manifest", "git", "dockerfile"]),
    ("workspace", ["manifest", "git", "engine", "history", "lint"]),
    ("render", ["manifest", "git", "dockerfile", "workspace"]),
    ("jobs", ["manifest", "git", "dockerfile", "engine", "logs", "history", "lint", "workspace"]),
    ("imagetests", ["manifest", "git", "engine", "logs", "history", "workspace", "jobs"]),
    ("publish", ["manifest", "git", "engine", "registry", "secrets", "history", "workspace", "jobs"]),
    ("demo", ["manifest", "git", "engine"]),
    # The watcher's event scanner: mirrors and the manifest in, events into the automation store.
    ("automation", ["manifest", "git", "history"]),
    # The sessions are the top of the core: they orchestrate everything below for the CLI, the window and the watcher.
    ("sessions", ["manifest", "git", "dockerfile", "history", "engine", "registry", "secrets", "logs", "lint",
                  "workspace", "render", "jobs", "imagetests", "publish", "automation"]),
]
# Folders that every other folder may use, when they exist.
BASE = ["threading"]
# Libraries outside Qt that a folder links privately.
PRIVATE_LIBS = {
    "manifest": "yaml-cpp",
    "lint": "yaml-cpp",
    "imagetests": "yaml-cpp",
    "git": "PkgConfig::LIBGIT2",
    "demo": "PkgConfig::LIBGIT2",
    "secrets": "Qt6Keychain::Qt6Keychain",
}

MOVES = [
    ("core/jobs", "core/history", re.compile(r"^(history|historywatcher|jobstate)\.(h|cpp)$")),
    ("core/publish", "core/history", re.compile(r"^pushaudit\.(h|cpp)$")),
    ("core/lint", "core/workspace", re.compile(r"^fleetlint\.(h|cpp)$")),
    ("core/engine", "core/manifest", re.compile(r"^dockercontext\.(h|cpp)$")),
    ("core/jobs", "core/dockerfile", re.compile(r"^buildscript\.(h|cpp)$")),
    ("core/tests", "core/imagetests", re.compile(r"^.*$")),
]

# Folders whose headers are included with a prefix: (source folder, prefix).
PREFIXED = [("models", "models"), ("views", "views"), ("app/cli", "cli"), ("app/desktop", "desktop"),
            ("tests/common", "common")]
SCANNED = ["core", "models", "views", "app", "tests", "bench", "fuzz"]
CXX = (".h", ".cpp")
INCLUDE = re.compile(r'^(\s*#\s*include\s*)"([^"]+)"(.*)$')
BEGIN = "# BEGIN layer table (written by relayer.py; edit the table in the script, then run it)"
END = "# END layer table"


def git(root, *args):
    subprocess.run(["git", "-C", root, *args], check=True)


def move_files(root, dry):
    changed = []
    for src, dst, pattern in MOVES:
        sdir = os.path.join(root, src)
        if not os.path.isdir(sdir):
            continue
        for name in sorted(os.listdir(sdir)):
            if not pattern.match(name) or not os.path.isfile(os.path.join(sdir, name)):
                continue
            if src == "core/tests" and name == "CMakeLists.txt":
                target = os.path.join(dst, name)
            else:
                target = os.path.join(dst, name)
            changed.append(f"{src}/{name} -> {target}")
            if dry:
                continue
            os.makedirs(os.path.join(root, dst), exist_ok=True)
            if os.path.exists(os.path.join(root, target)):
                sys.exit(f"relayer: both {src}/{name} and {target} exist; merge them by hand")
            tracked = subprocess.run(["git", "-C", root, "ls-files", "--error-unmatch", f"{src}/{name}"],
                                     capture_output=True).returncode == 0
            if tracked:
                git(root, "mv", f"{src}/{name}", target)
            else:
                os.rename(os.path.join(root, src, name), os.path.join(root, target))
        if not dry and os.path.isdir(sdir) and not os.listdir(sdir):
            os.rmdir(sdir)
    return changed


def header_map(root):
    """basename -> qualified include, and real path -> qualified include."""
    by_name, by_path = {}, {}
    core = os.path.join(root, "core")
    folders = [(f"core/{d}", d) for d in sorted(os.listdir(core)) if os.path.isdir(os.path.join(core, d))]
    for folder, prefix in folders + PREFIXED:
        full = os.path.join(root, folder)
        if not os.path.isdir(full):
            continue
        for name in sorted(os.listdir(full)):
            if name.endswith(".h"):
                q = f"{prefix}/{name}"
                by_name.setdefault(name, []).append(q)
                by_path[os.path.realpath(os.path.join(full, name))] = q
    return by_name, by_path


def sources(root):
    for top in SCANNED:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = [d for d in dirnames if d not in ("fixtures",)]
            for name in sorted(filenames):
                if name.endswith(CXX):
                    yield os.path.join(dirpath, name)


def qualify(path, inc, by_name, by_path, root):
    """The qualified form of `inc` as written in `path`, or None to leave it."""
    here = os.path.dirname(path)
    # A path that resolves next to the including file, or from a parent ("../common/x.h").
    for base in (here,):
        cand = os.path.realpath(os.path.join(base, inc))
        if os.path.isfile(cand) and cand in by_path:
            return by_path[cand]
    name = os.path.basename(inc)
    hits = by_name.get(name, [])
    if "/" in inc:
        if inc in hits:
            return inc
        # An old qualified path of a moved header ("jobs/history.h"): same name, one candidate.
        first = inc.split("/")[0]
        known = {q.split("/")[0] for qs in by_name.values() for q in qs}
        if first in known and len(hits) == 1:
            return hits[0]
        return None
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        sys.exit(f"relayer: {os.path.relpath(path, root)}: '{inc}' names {hits}; qualify it by hand")
    return None


def rewrite_text(path, text, by_name, by_path, root):
    out = []
    for line in text.split("\n"):
        m = INCLUDE.match(line)
        if m:
            q = qualify(path, m.group(2), by_name, by_path, root)
            if q and q != m.group(2):
                line = f'{m.group(1)}"{q}"{m.group(3)}'
        out.append(line)
    text = "\n".join(out)
    # Calls only; the definition moves with the layers branch (a definition starts its line with the type).
    text = re.sub(r"(?<!QStringList )\bBuildPlan::argumentNames\(", "BuildScript::argumentNames(", text)
    rel = os.path.relpath(path, root)
    if rel.startswith("core/") and "BuildScript::argumentNames(" in text and not rel.startswith("core/jobs/"):
        if not re.search(r"\bBuildPlan\b", text.replace('"jobs/buildplan.h"', "")):
            # The plan was included for the argument names only.
            if '"dockerfile/buildscript.h"' in text:
                text = re.sub(r'^#include "jobs/buildplan.h"\n', "", text, flags=re.M)
            else:
                text = text.replace('#include "jobs/buildplan.h"', '#include "dockerfile/buildscript.h"')
        elif '"dockerfile/buildscript.h"' not in text:
            text = text.replace('#include "jobs/buildplan.h"',
                                '#include "dockerfile/buildscript.h"\n#include "jobs/buildplan.h"')
    return text


def rewrite_includes(root, dry):
    by_name, by_path = header_map(root)
    changed = []
    for path in sources(root):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new = rewrite_text(path, text, by_name, by_path, root)
        if new != text:
            changed.append(os.path.relpath(path, root))
            if not dry:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(new)
    return changed


TARGET_SOURCES = re.compile(r"^target_sources\(mrc_core PRIVATE\b[^)]*\)\n?", re.M)


def rewrite_folder_cmake(root, dry):
    changed = []
    core = os.path.join(root, "core")
    for d in sorted(os.listdir(core)):
        path = os.path.join(core, d, "CMakeLists.txt")
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new = TARGET_SOURCES.sub("", text)
        new = new.replace("target_include_directories(mrc_core PRIVATE", f"target_include_directories(mrc_{d} PRIVATE")
        new = new.replace("target_link_libraries(mrc_core ", f"target_link_libraries(mrc_{d} ")
        new = re.sub(r"\n{3,}", "\n\n", new)
        body = [l for l in new.split("\n") if l.strip() and not l.startswith("# SPDX")]
        rel = os.path.relpath(path, root)
        if not body:
            changed.append(f"{rel} (removed: the folder's library globs its sources)")
            if not dry:
                git(root, "rm", "-q", "-f", rel)
            continue
        new = new.lstrip("\n")
        if new != text:
            changed.append(rel)
            if not dry:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(new)
    return changed


def includes_of(path):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                yield n, m.group(2)


def core_folders(root):
    core = os.path.join(root, "core")
    return sorted(d for d in os.listdir(core)
                  if os.path.isdir(os.path.join(core, d)) and any(f.endswith(CXX) for f in os.listdir(os.path.join(core, d))))


def used_folders(root, folder):
    known = set(core_folders(root))
    used = set()
    full = os.path.join(root, "core", folder)
    for name in os.listdir(full):
        if name.endswith(CXX):
            for _, inc in includes_of(os.path.join(full, name)):
                first = inc.split("/")[0]
                if "/" in inc and first in known and first != folder:
                    used.add(first)
    return used


def layer_table(root):
    table = dict(LAYERS)
    order = [name for name, _ in LAYERS]
    new = []
    for folder in core_folders(root):
        if folder not in table:
            table[folder] = sorted(used_folders(root, folder))
            order.append(folder)
            new.append(folder)
    present = [n for n in order if os.path.isdir(os.path.join(root, "core", n))]
    base = [b for b in BASE if b in present]
    layers = []
    for n in present:
        deps = [d for d in table[n] if d in present]
        if n not in base:
            deps = [b for b in base if b not in deps] + deps
        layers.append((n, deps))
    return layers, new


CORE_CMAKE_HEAD = """# SPDX-License-Identifier: Apache-2.0
# The core: one static library per folder (mrc_manifest, mrc_workspace, ...), each globbing its own folder. A library
# sees only its own headers and those of the folders it depends on: its include path is a folder of its own under
# build/layers/ holding one symlink per visible folder, so `#include "jobs/buildplan.h"` from workspace/ fails to
# compile. docs/architecture-notes.rst draws the layers; scripts/relayer.py keeps the table below.
# mrc_core is all of them, for the models, the CLI, the tests, the benchmarks and the fuzzers.
add_library(mrc_core INTERFACE)
# The embedded resources go straight into every binary that links the core: inside a static archive their
# self-registering initialiser would be dropped by the linker.
target_sources(mrc_core INTERFACE $<TARGET_OBJECTS:mrc_resources>)

# mrc_core_layer(NAME [DEPENDS FOLDER...] [LIBS LIBRARY...])
function(mrc_core_layer name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "DEPENDS;LIBS")
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${name}/*.cpp ${CMAKE_CURRENT_SOURCE_DIR}/${name}/*.h)
  add_library(mrc_${name} STATIC ${sources})
  mrc_use_pch(mrc_${name} mrc_pch_core)
  mrc_layer_include(mrc_${name} ${name} ${CMAKE_CURRENT_SOURCE_DIR}/${name})
  target_link_libraries(mrc_${name} PUBLIC Qt6::Core Qt6::Network Qt6::Sql Qt6::Concurrent)
  foreach(dep ${arg_DEPENDS})
    target_link_libraries(mrc_${name} PUBLIC mrc_${dep})
  endforeach()
  if(arg_LIBS)
    target_link_libraries(mrc_${name} PRIVATE ${arg_LIBS})
  endif()
  target_link_libraries(mrc_core INTERFACE mrc_${name})
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${name}/CMakeLists.txt)
    add_subdirectory(${name})
  endif()
  set_property(GLOBAL APPEND PROPERTY MRC_CORE_LAYERS ${name})
endfunction()

"""
CORE_CMAKE_TAIL = """

# secrets/ asks the session bus whether a Secret Service runs, to tell "no keychain" from other keychain errors.
if(UNIX AND NOT APPLE)
  target_link_libraries(mrc_secrets PRIVATE Qt6::DBus)
endif()
"""


def write_core_cmake(root, dry):
    """core/CMakeLists.txt, whole: what others added to the old one (a folder, a source) the table and globs cover."""
    path = os.path.join(root, "core", "CMakeLists.txt")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    layers, new_folders = layer_table(root)
    lines = [BEGIN]
    for name, deps in layers:
        args = f"mrc_core_layer({name}"
        if deps:
            args += " DEPENDS " + " ".join(deps)
        if name in PRIVATE_LIBS:
            args += " LIBS " + PRIVATE_LIBS[name]
        lines.append(args + ")")
    lines.append(END)
    out = CORE_CMAKE_HEAD + "\n".join(lines) + CORE_CMAKE_TAIL
    if out != text and not dry:
        with open(path, "w", encoding="utf-8") as f:
            f.write(out)
    return (["core/CMakeLists.txt"] if out != text else []), new_folders


def check_layers(root):
    layers, _ = layer_table(root)
    allowed = {}
    deps = dict(layers)

    def closure(name, seen=None):
        seen = set() if seen is None else seen
        for d in deps.get(name, []):
            if d not in seen:
                seen.add(d)
                closure(d, seen)
        return seen

    for name, _ in layers:
        allowed[name] = closure(name) | {name}
    known = set(deps)
    problems = []
    for folder in known:
        full = os.path.join(root, "core", folder)
        for name in sorted(os.listdir(full)):
            if not name.endswith(CXX):
                continue
            for n, inc in includes_of(os.path.join(full, name)):
                first = inc.split("/")[0]
                if inc.startswith("../"):
                    problems.append(f"core/{folder}/{name}:{n}: '{inc}' leaves the folder; include it qualified")
                elif "/" in inc and first in known and first not in allowed[folder]:
                    problems.append(f"core/{folder}/{name}:{n}: '{inc}' is not below {folder} in the layer table")
                elif first in ("models", "views", "cli", "desktop"):
                    problems.append(f"core/{folder}/{name}:{n}: '{inc}' is above the core")
    return problems


def clang_format(root):
    files = subprocess.run(["git", "-C", root, "ls-files", "*.h", "*.cpp"], capture_output=True, text=True,
                           check=True).stdout.split()
    for i in range(0, len(files), 100):
        subprocess.run(["clang-format-14", "-i", *files[i:i + 100]], cwd=root, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=".")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when something would change")
    parser.add_argument("--format", action="store_true", help="run clang-format-14 -i on every C++ file at the end")
    args = parser.parse_args()
    root = os.path.realpath(args.root)
    if not os.path.isfile(os.path.join(root, "core", "CMakeLists.txt")):
        sys.exit(f"relayer: {root} is not the mrc repository")
    dry = args.check
    report = []
    report += move_files(root, dry)
    if dry and report:
        print("\n".join(f"would move {r}" for r in report))
        return 1
    report += rewrite_includes(root, dry)
    report += rewrite_folder_cmake(root, dry)
    cmake_changed, new_folders = write_core_cmake(root, dry)
    report += cmake_changed
    for r in report:
        print(("would change " if dry else "changed ") + r)
    for folder in new_folders:
        print(f"relayer: core/{folder} is not in the layer table; it gets the folders it includes "
              f"({', '.join(dict(layer_table(root)[0])[folder]) or 'none'}): review it and add it to LAYERS")
    problems = check_layers(root)
    for p in problems:
        print(p)
    if args.format and not dry:
        clang_format(root)
    if not report and not problems:
        print("relayer: nothing to change; every include is qualified and goes down")
    return 1 if (problems or (dry and report)) else 0


if __name__ == "__main__":
    sys.exit(main())
