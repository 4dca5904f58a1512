# The Python half of kaos-python-worker (embedded into the binary at build time; main.cpp runs
# it after the sandbox is in place). It loads one tool source the way KAOS's python-string
# runtime does -- exec() in an empty globals namespace, every top-level function a tool -- and
# then answers calls, one at a time, over newline-delimited JSON (protocol: README.md).
#
# Contract with the server: exactly one JSON object per line on the protocol fd, nothing else.
# User code never sees that fd (fd 1 is stderr here, stdin is /dev/null).
import asyncio
import base64
import inspect
import json
import os
import resource
import sys
import traceback
import types
import typing

_PRIMITIVES = {str: "string", int: "integer", float: "number", bool: "boolean"}
_NONE = type(None)


class LoadError(Exception):
    """The source cannot be served; the message names the line or the function."""


# ---- type hints -> JSON Schema ------------------------------------------------------------

def schema_for(hint, where):
    """JSON Schema of one type hint. Unknown classes map to {} (the value arrives unconverted)."""
    if hint is inspect.Parameter.empty or hint is typing.Any or hint is object:
        return {}
    if hint is None or hint is _NONE:
        return {"type": "null"}
    if hint in _PRIMITIVES:
        return {"type": _PRIMITIVES[hint]}
    if hint in (list, typing.List, tuple, typing.Tuple, set, frozenset, typing.Set):
        return {"type": "array"}
    if hint in (dict, typing.Dict):
        return {"type": "object"}
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        schema = schema_for(args[0], where)
        notes = [a for a in args[1:] if isinstance(a, str)]
        if notes:
            schema = dict(schema, description=utf8_text(notes[0]))
        return schema
    if origin is typing.Union or origin is types.UnionType:
        return {"anyOf": [schema_for(a, where) for a in args]}
    if origin is typing.Literal:
        return literal_schema(args)
    if origin in (list, set, frozenset):
        schema = {"type": "array", "items": schema_for(args[0], where)} if args else {"type": "array"}
        if origin is not list:
            schema["uniqueItems"] = True
        return schema
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": schema_for(args[0], where)}
        items = [schema_for(a, where) for a in args]
        return {"type": "array", "prefixItems": items, "minItems": len(items), "maxItems": len(items)}
    if origin is dict:
        if len(args) == 2:
            return {"type": "object", "additionalProperties": schema_for(args[1], where)}
        return {"type": "object"}
    return {}


def converter_for(hint):
    """How a JSON argument becomes what the hint asks for where JSON cannot say it: an int
    for a float parameter, a list for a tuple or set. None: passed as it is."""
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return converter_for(typing.get_args(hint)[0])
    if hint is float or ((origin is typing.Union or origin is types.UnionType)
                         and float in typing.get_args(hint) and int not in typing.get_args(hint)):
        return lambda v: float(v) if isinstance(v, int) and not isinstance(v, bool) else v
    kind = {tuple: tuple, typing.Tuple: tuple, set: set, typing.Set: set, frozenset: frozenset}.get(origin or hint)
    if kind is not None:
        return lambda v: kind(v) if isinstance(v, list) else v
    return None


def is_json(value):
    """True when the value can travel to the server as it is: JSON (no NaN or infinity, no bytes
    or other objects) that UTF-8 can encode (no lone surrogates). The protocol line carrying a
    schema must be JSON the server reads, or the whole source fails to load."""
    try:
        json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
        return True
    except (TypeError, ValueError):  # UnicodeEncodeError is a ValueError
        return False


def utf8_text(text):
    """The text with what UTF-8 cannot encode (lone surrogates) as '?': a description is sent on
    the protocol line, whose write would otherwise raise and end the worker."""
    return text.encode("utf-8", "replace").decode("utf-8")


def literal_schema(values):
    if not all(is_json(v) for v in values):
        return {}  # Literal[b"x"], Literal[1e400]: no JSON enum says it; the value arrives as sent
    kinds = {type(v) for v in values}
    schema = {}
    if len(kinds) == 1:
        kind = next(iter(kinds))
        if kind in _PRIMITIVES:
            schema["type"] = _PRIMITIVES[kind]
        elif kind is _NONE:
            schema["type"] = "null"
    schema["enum"] = list(values)
    return schema


def describe_function(name, fn, source_name):
    """The tools/list entry of one function and its argument converters; LoadError for
    signatures a tool cannot have."""
    where = f"{source_name}: function '{name}'"
    try:
        hints = typing.get_type_hints(fn, include_extras=True)
    except Exception as e:  # e.g. a string annotation naming an undefined class
        raise LoadError(f"{where}: cannot resolve its type hints ({type(e).__name__}: {e})") from None
    properties, required, converters = {}, [], {}
    for p in inspect.signature(fn).parameters.values():
        if p.kind is p.VAR_POSITIONAL or p.kind is p.VAR_KEYWORD:
            star = "*" if p.kind is p.VAR_POSITIONAL else "**"
            raise LoadError(f"{where} takes {star}{p.name}; a tool takes named parameters only "
                            f"(list them, or rename the function to start with '_' to hide it)")
        if p.kind is p.POSITIONAL_ONLY:
            raise LoadError(f"{where} has positional-only parameter '{p.name}'; remove the '/'")
        hint = hints.get(p.name, inspect.Parameter.empty)
        schema = dict(schema_for(hint, where))
        if (convert := converter_for(hint)) is not None:
            converters[p.name] = convert
        if p.default is inspect.Parameter.empty:
            required.append(p.name)
        else:
            if is_json(p.default):
                schema["default"] = p.default
            # else: not JSON; the default still applies, it is just not advertised
        properties[p.name] = schema
    input_schema = {"type": "object", "properties": properties}
    if required:
        input_schema["required"] = required
    spec = {"name": name, "description": utf8_text(inspect.cleandoc(fn.__doc__ or "")), "inputSchema": input_schema}
    return spec, converters


# ---- loading the source -------------------------------------------------------------------

def source_line_error(e, source_name):
    """'<source> line N: <Type>: <message>' for an exception raised while executing the source."""
    line = None
    for frame in traceback.extract_tb(e.__traceback__):
        if frame.filename == source_name:
            line = frame.lineno
    where = f"{source_name} line {line}" if line else source_name
    return f"{where}: {type(e).__name__}: {e}"


def load(source, source_name):
    """Executes the source; returns (namespace, {tool name: function}, [tool descriptions])."""
    try:
        code = compile(source, source_name, "exec")
    except SyntaxError as e:
        text = (e.text or "").strip()
        detail = f" ({text})" if text else ""
        raise LoadError(f"{source_name} line {e.lineno}: {e.msg}{detail}") from None
    namespace = {}
    try:
        exec(code, namespace)
    except SystemExit as e:
        raise LoadError(f"{source_name}: the source called sys.exit({e.code}) while loading") from None
    except BaseException as e:
        raise LoadError(source_line_error(e, source_name)) from None
    functions, tools = {}, []
    for name, obj in namespace.items():
        # Defined by this source (imported functions have another filename), under its own
        # name (aliases and lambdas are not tools), and public.
        if not isinstance(obj, types.FunctionType) or name.startswith("_"):
            continue
        if obj.__code__.co_filename != source_name or obj.__name__ != name:
            continue
        spec, converters = describe_function(name, obj, source_name)
        functions[name] = (obj, converters)
        tools.append(spec)
    if not tools:
        raise LoadError(f"{source_name} defines no top-level functions; define at least one "
                        f"'def name(...):' (names starting with '_' are not tools)")
    return namespace, functions, tools


# ---- calls --------------------------------------------------------------------------------

def text_block(text):
    return {"type": "text", "text": text}


def to_json_text(value):
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def format_result(name, value):
    """The MCP result of a returned value (mapping in docs/mcp-python-string.md)."""
    if isinstance(value, str):
        return {"content": [text_block(value)]}
    if isinstance(value, (bytes, bytearray)):
        try:
            return {"content": [text_block(bytes(value).decode("utf-8"))]}
        except UnicodeDecodeError:
            b64 = base64.b64encode(bytes(value)).decode("ascii")
            return {"content": [{"type": "resource", "resource": {
                "uri": f"kaos-python://{name}/result", "mimeType": "application/octet-stream",
                "blob": b64}}]}
    if isinstance(value, tuple):
        value = list(value)
    try:
        text = to_json_text(value)
    except (TypeError, ValueError) as e:
        return error_result(f"tool '{name}' returned a {type(value).__name__} that is not JSON ({e}); "
                            f"return str, dict, list, int, float, bool or None")
    result = {"content": [text_block(text)]}
    if isinstance(value, dict):
        result["structuredContent"] = json.loads(text)  # keys as JSON spells them (str)
    elif isinstance(value, list):
        result["structuredContent"] = {"result": json.loads(text)}
    return result


def error_result(message, restart=False):
    result = {"content": [text_block(message)], "isError": True}
    if restart:
        result["restart"] = True
    return result


def cpu_backstop(seconds):
    """RLIMIT_CPU for the coming call: SIGXCPU ends the worker if the server's own timeout
    (SIGKILL) somehow does not. None lifts it between calls. Soft limit only: the hard limit
    is fixed when the worker starts (tool code cannot raise it, and neither can we)."""
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if seconds is None:
        resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(used.ru_utime + used.ru_stime) + int(seconds) + 1
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


class Worker:
    def __init__(self, memory_limit_mb, end_call):
        self.memory_limit_mb = memory_limit_mb
        self.end_call = end_call  # kills and reaps every process the call left (sandbox.cpp)
        self.functions = {}
        self.loop = None

    def run(self, name, arguments):
        entry = self.functions.get(name)
        if entry is None:
            return error_result(f"unknown tool '{name}'")
        fn, converters = entry
        try:
            for key, convert in converters.items():
                if key in arguments:
                    arguments[key] = convert(arguments[key])
            value = fn(**arguments)
            if inspect.isawaitable(value):
                if self.loop is None:  # one loop for the worker's life: state may hold loop objects
                    self.loop = asyncio.new_event_loop()
                value = self.loop.run_until_complete(value)
        except MemoryError:
            # The heap may stay full (module-level state): the server replaces this worker.
            return error_result(f"MemoryError: tool '{name}' exceeded the memory limit of "
                                f"{self.memory_limit_mb} MiB (MCP_TOOL_MEMORY_MB)", restart=True)
        except SystemExit as e:
            return error_result(f"tool '{name}' called sys.exit({e.code}); a tool returns a value "
                                f"or raises an exception")
        except BaseException as e:
            traceback.print_exc(file=sys.stderr)
            return error_result(f"{type(e).__name__}: {e}")
        return format_result(name, value)

    def handle(self, message):
        kind = message.get("type")
        if kind == "call":
            arguments = message.get("arguments") or {}
            if not isinstance(arguments, dict):
                return dict(error_result("arguments must be an object"), type="result", id=message.get("id"))
            cpu = message.get("cpu_seconds")
            if isinstance(cpu, int) and cpu > 0:
                cpu_backstop(cpu)
            try:
                result = self.run(str(message.get("name")), arguments)
            finally:
                self.end_call()
                cpu_backstop(None)
            return dict(result, type="result", id=message.get("id"))
        if kind == "load":
            try:
                _, self.functions, tools = load(message["source"], message.get("source_name", "MCP_TOOLS_STRING"))
            except LoadError as e:
                return {"type": "load_error", "message": str(e)}
            finally:
                self.end_call()
            return {"type": "loaded", "tools": tools}
        return {"type": "protocol_error", "message": f"unknown message type {kind!r}"}


def serve(in_fd, out_fd, memory_limit_mb, sandbox_report, end_call):
    """The protocol loop; returns at EOF on the input (the server closed stdin)."""
    out = os.fdopen(out_fd, "w", encoding="utf-8", closefd=False)

    def send(obj):
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()

    worker = Worker(memory_limit_mb, end_call)
    send({"type": "ready", "python": sys.version.split()[0], "sandbox": sandbox_report})
    with os.fdopen(in_fd, "rb", closefd=False) as inp:
        for raw in inp:
            try:
                message = json.loads(raw)
                if not isinstance(message, dict):
                    raise ValueError("not an object")
            except ValueError as e:
                send({"type": "protocol_error", "message": f"bad message: {e}"})
                continue
            send(worker.handle(message))
