// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"

#include "cli/launch.h"

#include <QCoreApplication>
#include <QTextStream>

namespace mrc::cli {

QString helpText()
{
    return QStringLiteral(
        "Usage: mrc [--manifest FILE]            open the console\n"
        "       mrc COMMAND [OPTIONS]            run headless\n"
        "\n"
        "Monasca Release Console: builds, tests and publishes the Docker images of OpenStack Monasca.\n"
        "\n"
        "Commands:\n"
        "  matrix [--manifest FILE] [--fetch] [--json]\n"
        "                 Resolve every component x branch x Docker version cell and print the grid.\n"
        "                 --fetch refreshes every git mirror first; otherwise mirrors are fetched only when\n"
        "                 missing. --json prints one JSON object {\"cells\": [...]}; each cell's \"tests\" has\n"
        "                 its test state from the history (untested, testing, passed, failed, stale).\n"
        "                 Docker version policy findings (FILE:LINE:COLUMN: policy: ...) go to stderr and to\n"
        "                 the JSON's \"policy\" list; they do not change the exit code.\n"
        "  branch cut NAME [--manifest FILE] [--dry-run] [--date YYYY-MM-DD]\n"
        "                 Cut a stable branch: add NAME after master in release.yaml with master's Docker\n"
        "                 versions and a frozen: date, keeping comments and order; prints the diff, then writes.\n"
        "  build [--manifest FILE] [--component C]... [--branch B]... [--docker V]... [--jobs N] [--no-cache]\n"
        "        [--ref REF]... [--fetch] [--json] [--dry-run]\n"
        "                 Build the selected ready cells on their engines, base images first; an image that\n"
        "                 already carries the cell's revisions is up-to-date and not rebuilt. Log lines are\n"
        "                 printed as [component@branch docker] ...; --json prints {\"results\": [...]}.\n"
        "                 The build arguments are those of each component's build_image.sh (docs/builds.rst);\n"
        "                 --dry-run prints them per image and builds nothing ({\"plan\": [...]} with --json).\n"
        "                 Engines of the same Docker version share a column (a pool): each builds the base, then\n"
        "                 takes children; --jobs is per engine (an engine's `jobs:` overrides it); a lost engine's\n"
        "                 queued jobs go to the others and its running jobs end engine-lost, built again elsewhere.\n"
        "                 --ref builds a tag, a commit or a Gerrit change (refs/changes/51/558751/1), fetched\n"
        "                 on demand, in the components that have it, tagged IMAGE:ref-...; the Docker versions\n"
        "                 are those of the branch it is based on unless --docker names them.\n"
        "                 Exit: 0 all built or up to date, 1 something failed, 2 bad input, 3 no engine.\n"
        "  test [--manifest FILE] [--component C]... [--branch B]... [--docker V]... [--ref REF]... [--test NAME]...\n"
        "       [--jobs N] [--build] [--no-cache] [--fetch] [--json] [--junit FILE]\n"
        "                 Run the manifest's container tests (run, health, stack) on the selected cells' images;\n"
        "                 --build builds them first as mrc build does, with --ref and --no-cache too.\n"
        "                 --json prints {\"results\": [...]}; --junit writes JUnit XML.\n"
        "                 Exit: 0 all passed, 1 a test failed, 2 bad input, 3 no engine.\n"
        "  demo init DIR [--force] [--engine HOST]...\n"
        "                 Create an offline demo workspace: 9 git repositories and DIR/release.yaml. Each --engine\n"
        "                 (default: DOCKER_HOST) is listed; 3+ Docker versions: master on the 3 newest.\n"
        "  render --component C --branch B [--template PATH] [--set K=V]... [--context FILE] [--strict]\n"
        "         [--ignore-undefined] [--manifest FILE]\n"
        "                 Render templates with Jinja2 as templer does in the image; exit 1 on render problems.\n"
        "  render --all [--manifest FILE] [--json]\n"
        "                 Render every template of every cell: a table of ok / undefined / error.\n"
        "  lint [--manifest FILE] [--branch B] [--component C]... [--format text|json|sarif|checkstyle]\n"
        "       [--severity RULE=LEVEL]... [--no-hadolint] | lint PATH... | lint --corpus DIR | lint --rules\n"
        "                 Lint Dockerfiles (MRC1xx Monasca rules, hadolint-compatible DLxxxx, hadolint when on\n"
        "                 the PATH). Text lines are FILE:LINE: RULE severity: message. Exit 1 on an error finding.\n"
        "  login REGISTRY --username USER --password-stdin [--store keychain|docker]\n"
        "                 Check the credentials against the registry (GET /v2/, Basic or Bearer token), then keep\n"
        "                 them in the OS keychain (Secret Service on Linux), or with --store docker in the Docker\n"
        "                 credential helper that $DOCKER_CONFIG/config.json names (credHelpers, credsStore); never\n"
        "                 a plaintext auth entry. A refused password stores nothing.\n"
        "                 The password comes from stdin only (or a prompt on a terminal), never an argument.\n"
        "                 Exit: 0 stored, 2 bad input, 3 registry, keychain or helper unreachable, 4 refused.\n"
        "  login --status REGISTRY\n"
        "                 Where the credentials come from: the keychain, then config.json's credHelpers,\n"
        "                 credsStore (docker-credential-* helpers) and auths. Exit 0 found, 1 none.\n"
        "  logout REGISTRY [--store keychain|docker]\n"
        "                 Remove the registry's credentials from the keychain (or the Docker credential helper).\n"
        "  tags [--manifest FILE] [--component C]... [--branch B]... [--docker V]... [--release TAG] [--fetch]\n"
        "       [--json]\n"
        "                 The tag plan: for each selected image every tag (sha-<7>, release, branch series,\n"
        "                 latest), the digest the registry has now, the one it would get, and the action:\n"
        "                 create, move, unchanged or refused (release and sha- tags never move; latest follows\n"
        "                 the highest release). One image per component and branch: the branch's newest Docker\n"
        "                 version's, or its publish_docker. --release TAG plans a release tag's column (built\n"
        "                 with `build --ref TAG`): sha-<7>, TAG and, when the highest final release, latest.\n"
        "                 Exit 1 when a tag is refused or an image is not built.\n"
        "  push [--manifest FILE] [filters as in tags] [--release TAG] [--dry-run] [--json]\n"
        "                 Carry out the plan: the engine pushes the image once, every other tag is a manifest\n"
        "                 copy at the registry (no upload); each tag is verified with a HEAD. A release or sha-\n"
        "                 tag that changed at the registry since planning stops that image (HEAD before writing).\n"
        "                 Credentials: the keychain, else Docker's helpers or auths (login --status); the push\n"
        "                 says which. Planning uses HEADs only; a 429 is retried after its Retry-After (up to\n"
        "                 60 s), and a push whose manifest copies would cross the RateLimit-Remaining quota stops\n"
        "                 first. Exit: 0 ok, 1 failed, refused or over quota, 3 unreachable, 4 authentication.\n"
        "  audit [--format csv|json] [--limit N]\n"
        "                 What was pushed: who, which tag, which digest, when, newest first.\n"
        "  labels REF [REF2] [--manifest FILE] [--json]\n"
        "                 The labels of REF, or REF and REF2 compared key by key (added, removed, changed, same)\n"
        "                 with the release policy checks. REF: engine:IMAGE, registry:HOST/REPO:TAG,\n"
        "                 registry:HOST/REPO@sha256:DIGEST, cell:COMPONENT@BRANCH (what a build would carry)\n"
        "                 or history:ID. Exit: 0 same, 1 different or a check failed, 2 bad REF,\n"
        "                 3 unreachable, 4 authentication.\n"
        "  engines [--manifest FILE] [--json] [--timeout MS]\n"
        "                 Every engine of the manifest: transport (unix, tcp, tcp+tls, ssh), Docker and API version,\n"
        "                 reachable or why not, and the columns (branch x Docker version) it builds. An engine is a\n"
        "                 host or a Docker context (`context: NAME`). --json prints {\"engines\": [...]}.\n"
        "                 Exit: 0 all reachable, 1 one is not, 3 none is.\n"
        "  watch [--manifest FILE] [--once] [--interval S] [--json] [--jobs N] [--no-fetch]\n"
        "                 The release robot: fetch the mirrors, turn each new commit, release tag and Gerrit\n"
        "                 patchset into an event and run its pipeline (build, test, push) by the manifest's\n"
        "                 automation: policy, one run after another. The queue is in the history database; a killed\n"
        "                 watcher resumes its runs after their last finished stage, and never pushes a tag twice.\n"
        "                 --once runs one cycle; --json prints one JSON line per event, run and state change.\n"
        "                 Exit of --once: 0 ok, 1 a pipeline failed, 2 bad input, 3 a repository or the queue\n"
        "                 could not be read, 130 interrupted.\n"

        "\n"
        "Options:\n"
        "  --manifest FILE  The release manifest (default: ./release.yaml if present, else the built-in one).\n"
        "  -h, --help       Show this help; `mrc COMMAND --help` shows a command's help.\n"
        "  -v, --version    Show the version.\n"
        "\n"
        "Exit codes:\n"
        "  0  ok\n"
        "  1  the command failed (a build or a test failed; login: the registry's answer cannot be used safely: a\n"
        "     redirect, a bad token realm, or a realm on another host without https)\n"
        "  2  bad input: the manifest or the command line is wrong (each problem printed as FILE:LINE:COLUMN)\n"
        "  3  environment: nothing reachable and nothing cached (build, test: no engine reachable; login: no\n"
        "     registry or no keychain answered)\n"
        "  4  authentication: the registry refused the credentials\n"
        "\n"
        "Files: git mirrors are cached under $XDG_CACHE_HOME/mrc/mirrors (~/.cache/mrc/mirrors); the build\n"
        "and test history and their logs are under $XDG_DATA_HOME/mrc (~/.local/share/mrc). Registry credentials live "
        "only\n"
        "in the OS keychain (service io.github.monasca.mrc), never in a file.\n");
}

int run(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    const Launch launch = parseLaunch(arguments);
    const QString &command = launch.command;
    const QStringList &commandArguments = launch.commandArguments;
    if (command == QLatin1String("--version")) {
        out << "mrc " << QCoreApplication::applicationVersion() << '\n';
        return Ok;
    }
    if (command == QLatin1String("--help")) {
        out << helpText();
        return Ok;
    }
    if (command == QLatin1String("matrix"))
        return runMatrix(commandArguments);
    if (command == QLatin1String("branch"))
        return runBranch(commandArguments);
    if (command == QLatin1String("build"))
        return runBuild(commandArguments);
    if (command == QLatin1String("test"))
        return runTest(commandArguments);
    if (command == QLatin1String("demo"))
        return runDemo(commandArguments);
    if (command == QLatin1String("render"))
        return runRender(commandArguments);
    if (command == QLatin1String("lint"))
        return runLint(commandArguments);
    if (command == QLatin1String("login"))
        return runLogin(commandArguments);
    if (command == QLatin1String("logout"))
        return runLogout(commandArguments);
    if (command == QLatin1String("tags"))
        return runTags(commandArguments);
    if (command == QLatin1String("push"))
        return runPush(commandArguments);
    if (command == QLatin1String("audit"))
        return runAudit(commandArguments);
    if (command == QLatin1String("labels"))
        return runLabels(commandArguments);
    if (command == QLatin1String("engines"))
        return runEngines(commandArguments);
    if (command == QLatin1String("watch"))
        return runWatch(commandArguments);
    if (command == QLatin1String("--manifest"))
        err << "mrc: --manifest needs a FILE. See mrc --help.\n";
    else if (command.startsWith(QLatin1Char('-')))
        err << "mrc: unknown option '" << command << "'. See mrc --help.\n";
    else
        err << "mrc: unknown command '" << command << "'. Commands: " << commandNames().join(QStringLiteral(", "))
            << ". To open a manifest in the console: mrc --manifest FILE. See mrc --help.\n";
    return BadInput;
}

} // namespace mrc::cli
