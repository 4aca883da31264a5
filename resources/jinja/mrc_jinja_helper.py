# SPDX-License-Identifier: Apache-2.0
"""The Monasca Release Console's Jinja2 helper.

Renders templates as templer 1.1.4 does inside the Monasca images, but in Jinja2's sandbox:
  - the variables are at the top level and again under `env`; a context file's keys override them at the top level;
  - StrictUndefined unless undefined variables are ignored (then templer's SilentUndefined);
  - the `mandatory` filter;
  - one newline appended to the output.

Protocol: one JSON object per line on stdin, one JSON object per line on stdout, same "id".
  {"id": 1, "op": "render", "name": "x.j2", "template": "...", "variables": {...}, "context": "yaml text",
   "dynamic_context": false, "overrides": {...}, "ignore_undefined": false}
  -> {"id": 1, "status": "ok" | "undefined" | "error", "output": "...", "partial": bool,
      "problems": [{"line": 3, "kind": "undefined" | "syntax" | "security" | "error" | "context", "name": "X",
                    "message": "..."}]}
  {"id": 2, "op": "context", "variables": {...}, "context": "yaml text"} -> {"id": 2, "values": {...}}
  {"id": 3, "op": "ping"} -> {"id": 3, "jinja2": "3.1.2", "python": "3.11.2"}

Bounds, so that no template or context file can take the machine's memory or run without end:
  - the process's address space (RLIMIT_AS) is MEMORY_LIMIT_MB: a bigger allocation fails with MemoryError;
  - a template's output, and any one string or list that `*` or `+` would build, stops at OUTPUT_LIMIT_MB
    ("template output over 8 MB", at the template line that went over);
  - a context file is at most CONTEXT_LIMIT_BYTES, and its YAML may expand (aliases counted each time they are
    used) to at most CONTEXT_VALUE_LIMIT values.
"""

import collections
import io
import json
import math
import platform
import resource
import sys
from ast import literal_eval

import jinja2
from jinja2 import StrictUndefined, Undefined, UndefinedError
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

TEMPLATE_FILE = "<template>"

MEMORY_LIMIT_MB = 512
OUTPUT_LIMIT_MB = 8
OUTPUT_LIMIT = OUTPUT_LIMIT_MB * 1024 * 1024  # characters
INTEGER_LIMIT_BITS = 1 << 20  # 10**315000 or so: far beyond any configuration value
CONTEXT_LIMIT_BYTES = 1024 * 1024
CONTEXT_VALUE_LIMIT = 100000


class OutputLimitError(Exception):
    """Raised where a template would produce more than OUTPUT_LIMIT characters (or a giant number)."""


def output_limit_error(what="template output"):
    return OutputLimitError("%s over %d MB: stopped" % (what, OUTPUT_LIMIT_MB))


def sized(value):
    return isinstance(value, (str, bytes, list, tuple))


def check_binop(operator, left, right):
    """Refuses, before computing it, a result that would be over the output limit."""
    if operator == "*":
        if sized(left) and isinstance(right, int) and len(left) * right > OUTPUT_LIMIT:
            raise output_limit_error()
        if sized(right) and isinstance(left, int) and len(right) * left > OUTPUT_LIMIT:
            raise output_limit_error()
        if isinstance(left, int) and isinstance(right, int) and \
                left.bit_length() + right.bit_length() > INTEGER_LIMIT_BITS:
            raise OutputLimitError("a number over %d bits: stopped" % INTEGER_LIMIT_BITS)
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0 and \
                right * math.log2(abs(left)) > INTEGER_LIMIT_BITS:
            raise OutputLimitError("a number over %d bits: stopped" % INTEGER_LIMIT_BITS)
    elif operator == "+":
        if sized(left) and sized(right) and len(left) + len(right) > OUTPUT_LIMIT:
            raise output_limit_error()


class BoundedEnvironment(SandboxedEnvironment):
    # Intercepted operators are also never folded at compile time, so `"a"*3*10**8` is checked, not computed.
    intercepted_binops = frozenset(["*", "**", "+"])

    def call_binop(self, context, operator, left, right):
        check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)


def generator_line(generator):
    """The template line where a suspended render generator (or the one it delegates to) stands."""
    line = 0
    while generator is not None:
        frame = getattr(generator, "gi_frame", None)
        if frame is not None and frame.f_code.co_filename == TEMPLATE_FILE:
            template = frame.f_globals.get("__jinja_template__")
            line = template.get_corresponding_lineno(frame.f_lineno) if template is not None else frame.f_lineno
        generator = getattr(generator, "gi_yieldfrom", None)
    return line


class OutputLimitAt(Exception):
    def __init__(self, line):
        super().__init__("template output over %d MB: stopped" % OUTPUT_LIMIT_MB)
        self.line = line


def bounded_render(template, context):
    """template.render(context), stopped as soon as the output passes OUTPUT_LIMIT."""
    parts = []
    total = 0
    generator = template.generate(context)
    for piece in generator:
        total += len(piece)
        if total > OUTPUT_LIMIT:
            line = generator_line(generator)
            generator.close()
            raise OutputLimitAt(line)
        parts.append(piece)
    return "".join(parts)


class MandatoryError(UndefinedError):
    pass


def mandatory(value, error_message=""):
    # templer compares the exact type: only StrictUndefined raises, the silent kind passes through.
    if type(value) is StrictUndefined:
        raise MandatoryError(error_message)
    if type(value) is RecordingUndefined:
        RECORDER.add(value, error_message)
        return ""
    return value


class SilentUndefined(Undefined):
    def _fail_with_undefined_error(self, *args, **kwargs):
        return ""


def template_line():
    """The template line of the innermost template frame on the stack, 0 when none."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == TEMPLATE_FILE:
            template = frame.f_globals.get("__jinja_template__")
            if template is not None:
                return template.get_corresponding_lineno(frame.f_lineno)
            return frame.f_lineno
        frame = frame.f_back
    return 0


class Recorder:
    """Collects every use of an undefined value that StrictUndefined would refuse, with its line."""

    def __init__(self):
        self.seen = collections.OrderedDict()

    def add(self, undefined, message=None):
        name = undefined._undefined_name
        key = (template_line(), message or undefined._undefined_message)
        if key not in self.seen:
            self.seen[key] = name


RECORDER = Recorder()


class RecordingUndefined(Undefined):
    """Renders like SilentUndefined, but records where strict mode would have stopped."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args, **kwargs):
        RECORDER.add(self)
        return ""

    def __str__(self):
        RECORDER.add(self)
        return ""

    def __iter__(self):
        RECORDER.add(self)
        return iter(())

    def __len__(self):
        RECORDER.add(self)
        return 0

    def __bool__(self):
        RECORDER.add(self)
        return False

    def __eq__(self, other):
        RECORDER.add(self)
        return type(self) is type(other)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        RECORDER.add(self)
        return id(type(self))

    def __contains__(self, item):
        RECORDER.add(self)
        return False


def make_environment(undefined):
    # No loader: {% include %}, {% import %} and {% extends %} cannot reach any file.
    env = BoundedEnvironment(undefined=undefined)
    env.filters["mandatory"] = mandatory
    return env


ENVIRONMENTS = {
    "strict": make_environment(StrictUndefined),
    "silent": make_environment(SilentUndefined),
    "record": make_environment(RecordingUndefined),
}

CACHE = collections.OrderedDict()
CACHE_SIZE = 512


def compiled(mode, source):
    key = (mode, source)
    template = CACHE.get(key)
    if template is None:
        template = ENVIRONMENTS[mode].from_string(source)
        CACHE[key] = template
        if len(CACHE) > CACHE_SIZE:
            CACHE.popitem(last=False)
    else:
        CACHE.move_to_end(key)
    return template


def merge_dicts(x, y):
    """templer's recursive merge: y wins, nested dicts are merged."""
    if x is None and y is None:
        return dict()
    if x is None:
        return y
    if y is None:
        return x
    merged = dict(x, **y)
    for key in x.keys():
        if type(x[key]) is dict and key in y:
            merged[key] = merge_dicts(x[key], y[key])
    return merged


class ContextError(Exception):
    def __init__(self, message, line=0):
        super().__init__(message)
        self.line = line


def parse_defaults(defaults, variables):
    """templer's `defaults:` section: a default per variable, the environment's value converted to its type."""
    if type(defaults) is not dict or not defaults:
        raise ContextError("'defaults' must be of type 'dict' and contain at least one key")
    result = dict()
    for name, default in defaults.items():
        value = default_value(name, default, variables)
        if type(value) is dict:
            result = merge_dicts(result, value)
        else:
            result[name] = value
    return result


def default_value(name, default, variables):
    given = name in variables
    if default is None:
        raise ContextError("Variable '%s' must not be of type 'None'" % name)
    if type(default) is str:
        return variables[name] if given else default
    if type(default) is bool:
        if not given:
            return default
        text = str(variables[name]).strip().lower()
        if text in ("true", "1", "t", "y", "yes"):
            return True
        if text in ("false", "0", "f", "n", "no"):
            return False
        return variables[name]
    if type(default) in (int, float):
        if not given:
            return default
        try:
            return type(default)(str(variables[name]).strip())
        except ValueError:
            return variables[name]
    if type(default) is list:
        if not given:
            return default
        try:
            return literal_eval(str(variables[name]).strip())
        except (ValueError, SyntaxError):
            return variables[name]
    if type(default) is dict:
        kind = default.get("type")
        if kind == "choice":
            if not given:
                return default.get("default")
            choice = variables[name].strip() if default.get("strip", True) else variables[name]
            for option in default.get("choices", []):
                if (option == choice) if default.get("case_sensitive", False) else (
                        str(option).casefold() == choice.casefold()):
                    return option
            raise ContextError("Variable '%s': Your choice '%s' is not available. The available choices are: %s"
                               % (name, choice, ", ".join(map(str, default.get("choices", [])))))
        if kind == "list":
            if not given:
                return default.get("default", [])
            if variables[name] == "":
                return []
            parts = variables[name].split(default.get("delimiter", ","))
            return [p.strip() for p in parts] if default.get("strip", True) else parts
        if kind == "variation":
            return parse_defaults(default.get("defaults", {}), variables) if given else dict()
        raise ContextError("Variable '%s': Unknown special default type '%s'. Available types are: choice, list, "
                           "variation" % (name, kind))
    raise ContextError("Variable '%s' has an unsupported default type" % name)


def check_expansion(yaml, text):
    """Counts the values the YAML would expand to (an alias counts each time it is used) before building them."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return  # safe_load reports it with its line
    count = 0
    characters = 0
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        count += 1
        if isinstance(node, yaml.ScalarNode):
            characters += len(node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        if count > CONTEXT_VALUE_LIMIT or characters > OUTPUT_LIMIT:
            raise ContextError("context file: expands to over %s (YAML aliases used over and over?); refused"
                               % ("%d values" % CONTEXT_VALUE_LIMIT if count > CONTEXT_VALUE_LIMIT
                                  else "%d MB of text" % OUTPUT_LIMIT_MB),
                               node.start_mark.line + 1)


def context_values(variables, context_text, dynamic, ignore_undefined):
    """What a context file adds, with templer's precedence (the file wins at the top level)."""
    if not context_text:
        return dict()
    import yaml  # only needed with a context file

    if len(context_text) > CONTEXT_LIMIT_BYTES:
        raise ContextError("context file: over %d KB; refused" % (CONTEXT_LIMIT_BYTES // 1024))
    text = context_text
    if dynamic:
        env = ENVIRONMENTS["silent" if ignore_undefined else "strict"]
        try:
            text = bounded_render(env.from_string(text), variables)
        except TemplateSyntaxError as error:
            raise ContextError("context file: " + error.message, error.lineno)
        except OutputLimitAt as error:
            raise ContextError("context file: " + str(error), error.line)
        except MemoryError as error:
            raise ContextError("context file: needs more than %d MB of memory; stopped" % MEMORY_LIMIT_MB,
                               traceback_line(error))
        except Exception as error:
            raise ContextError("context file: " + str(error), traceback_line(error))
    check_expansion(yaml, text)
    try:
        parsed = yaml.safe_load(text) or dict()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ContextError("context file: YAML parsing error: %s" % getattr(error, "problem", error),
                           mark.line + 1 if mark else 0)
    if type(parsed) is not dict:
        raise ContextError("context file: the top level must be a mapping")
    defaults = parse_defaults(parsed["defaults"], variables) if "defaults" in parsed else None
    parsed.pop("defaults", None)
    return merge_dicts(parsed, defaults)


def build_context(variables, context_text, dynamic, ignore_undefined, overrides):
    """templer's context; the console's user overrides are environment values that also beat the context file."""
    variables = dict(variables, **overrides)
    context = merge_dicts(dict(variables), context_values(variables, context_text, dynamic, ignore_undefined))
    context = merge_dicts(context, dict(overrides))
    return merge_dicts(context, {"env": variables})


def traceback_line(error):
    line = 0
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == TEMPLATE_FILE:
            template = tb.tb_frame.f_globals.get("__jinja_template__")
            line = template.get_corresponding_lineno(tb.tb_lineno) if template is not None else tb.tb_lineno
        tb = tb.tb_next
    return line


BLOCK_TAGS = {"if", "for", "macro", "call", "filter", "block", "with", "autoescape", "trans", "raw"}


def unclosed_block_line(source):
    """The line of the innermost block tag that is never closed, 0 when unknown."""
    stack = []
    expect_name = False
    try:
        for line, kind, value in ENVIRONMENTS["strict"].lex(source):
            if kind == "block_begin":
                expect_name = True
                continue
            if kind == "whitespace":
                continue
            if expect_name and kind == "name":
                if value in BLOCK_TAGS:
                    stack.append(line)
                elif value.startswith("end") and stack:
                    stack.pop()
            expect_name = False
    except Exception:
        return 0
    return stack[-1] if stack else 0


def recorded_undefined(source, context):
    RECORDER.seen.clear()
    output = ""
    try:
        output = bounded_render(compiled("record", source), context) + "\n"
    except Exception:
        pass  # the strict pass already has the error; this pass only collects undefined values
    problems = [{"line": line, "kind": "undefined", "name": name or "", "message": message}
                for (line, message), name in RECORDER.seen.items()]
    RECORDER.seen.clear()
    return output, problems


def string_map(value):
    return {str(k): "" if v is None else str(v) for k, v in (value or {}).items()}


def render(request):
    source = request.get("template", "")
    variables = string_map(request.get("variables"))
    ignore = bool(request.get("ignore_undefined", False))
    answer = {"status": "ok", "output": "", "partial": False, "problems": []}
    try:
        context = build_context(variables, request.get("context"), bool(request.get("dynamic_context")), ignore,
                                string_map(request.get("overrides")))
    except ContextError as error:
        answer.update(status="error", problems=[{"line": error.line, "kind": "context", "name": "",
                                                 "message": str(error)}])
        return answer
    try:
        template = compiled("silent" if ignore else "strict", source)
    except TemplateSyntaxError as error:
        line, message = error.lineno or 0, error.message or str(error)
        opened = unclosed_block_line(source) if message.startswith("Unexpected end of template") else 0
        if opened:
            # Jinja2 names the last token's line; the block that is never closed is what needs fixing.
            line, message = opened, "%s (the template ends at line %d)" % (message, error.lineno or 0)
        answer.update(status="error", problems=[{"line": line, "kind": "syntax", "name": "", "message": message}])
        return answer
    try:
        answer["output"] = bounded_render(template, context) + "\n"
    except OutputLimitAt as error:
        answer.update(status="error", problems=[{"line": error.line, "kind": "error", "name": "",
                                                 "message": str(error)}])
    except OutputLimitError as error:
        answer.update(status="error", problems=[{"line": traceback_line(error), "kind": "error", "name": "",
                                                 "message": str(error)}])
    except MemoryError as error:
        answer.update(status="error", problems=[{"line": traceback_line(error), "kind": "error", "name": "",
                                                 "message": "the template needs more than %d MB of memory: stopped"
                                                            % MEMORY_LIMIT_MB}])
    except MandatoryError as error:
        output, problems = recorded_undefined(source, context)
        message = str(error) or "a mandatory value is undefined"
        problems = [p for p in problems if p["line"] != traceback_line(error)]
        problems.append({"line": traceback_line(error), "kind": "undefined", "name": "", "message": message})
        problems.sort(key=lambda p: p["line"])
        answer.update(status="undefined", output=output, partial=True, problems=problems)
    except UndefinedError as error:
        output, problems = recorded_undefined(source, context)
        if not problems:
            problems = [{"line": traceback_line(error), "kind": "undefined", "name": "", "message": str(error)}]
        answer.update(status="undefined", output=output, partial=True, problems=problems)
    except SecurityError as error:
        answer.update(status="error", problems=[{"line": traceback_line(error), "kind": "security", "name": "",
                                                 "message": "refused by the sandbox: " + str(error)}])
    except Exception as error:
        answer.update(status="error", problems=[{"line": traceback_line(error), "kind": "error", "name": "",
                                                 "message": "%s: %s" % (type(error).__name__, error)}])
    return answer


def context_op(request):
    variables = string_map(request.get("variables"))
    try:
        values = context_values(variables, request.get("context"), bool(request.get("dynamic_context")),
                                bool(request.get("ignore_undefined")))
    except ContextError as error:
        return {"error": str(error), "line": error.line}
    return {"values": {str(k): v if isinstance(v, str) else json.dumps(v, default=str) for k, v in values.items()}}


def limit_memory():
    try:
        limit = MEMORY_LIMIT_MB * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass  # a lower limit set by the caller stays


def main():
    limit_memory()
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="surrogateescape", newline="\n")
    # Nothing a template does may reach the protocol channel.
    sys.stdout = sys.stderr
    for line in stdin:
        line = line.strip()
        if not line:
            continue
        request = None
        try:
            request = json.loads(line)
            op = request.get("op", "render")
            if op == "render":
                answer = render(request)
            elif op == "context":
                answer = context_op(request)
            elif op == "ping":
                answer = {"jinja2": jinja2.__version__, "python": platform.python_version()}
            else:
                answer = {"error": "unknown op '%s'" % op}
            answer["id"] = request.get("id")
        except MemoryError:
            answer = {"id": request.get("id") if isinstance(request, dict) else None,
                      "error": "the request needs more than %d MB of memory: stopped" % MEMORY_LIMIT_MB}
        except Exception as error:
            answer = {"id": None, "error": "%s: %s" % (type(error).__name__, error)}
        stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        stdout.flush()


if __name__ == "__main__":
    main()
