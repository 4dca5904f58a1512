"""A small Go text/template engine, enough to render our Helm chart without the helm binary.

Faithful to Go's text/template where the chart goes, and loud everywhere else: anything
not implemented raises TemplateError instead of rendering something plausible.

Supported: text and {{ actions }} with trim markers ({{- and -}}) and comments; pipelines
(`a | b x`) whose previous value becomes the last argument; parenthesised pipelines; field
chains on `.`, `$` and variables (.Values.a.b, $x.y, (pipe).z); literals (strings with Go
escapes, raw strings, ints, floats, true, false, nil); variable declaration and assignment
($x := p, $x = p); if / else if / else / end; range over lists and maps (keys sorted, with
`$i, $e :=` or `$e :=`) with else; with / else with / else; define, template, block; the
functions of gotemplate_funcs.py (Go's builtins and the Sprig functions the chart uses,
plus Helm's include and required).

Values follow Go's rules: truth (false, 0, "", nil, empty list or map are false), printing
(fmt's %v: floats as Go prints float64, maps as map[k:v], nil as <no value>), field access
(a missing map key is nil; a field of nil is an error, as in Helm)."""

from gotemplate_funcs import FUNCS, go_print, truth, TemplateError
from gotemplate_lex import KEYWORDS, lex_action, parse_number, split_text, unquote

__all__ = ["Template", "TemplateError"]


class _Parser:
    """Parses the parts of one file into a node list; define blocks go to `defines`."""

    def __init__(self, parts, name, defines):
        self.parts, self.i, self.name, self.defines = parts, 0, name, defines

    def where(self, line):
        return f"{self.name}:{line}"

    def parse_list(self, stop):
        """Nodes until an action whose keyword is in `stop`; returns (nodes, keyword, tokens, line)."""
        nodes = []
        while self.i < len(self.parts):
            part = self.parts[self.i]
            self.i += 1
            if part[0] == "text":
                if part[1]:
                    nodes.append(("text", part[1]))
                continue
            line = part[2]
            tokens = lex_action(part[1], self.where(line))
            if not tokens:
                raise TemplateError(f"{self.where(line)}: missing value for command")
            word = tokens[0][1] if tokens[0][0] == "ident" else None
            if word in stop:
                return nodes, word, tokens[1:], line
            if word in ("end", "else"):
                raise TemplateError(f"{self.where(line)}: unexpected {{{{{word}}}}}")
            nodes.append(self.parse_action(word, tokens, line))
        if stop != {"<eof>"}:
            raise TemplateError(f"{self.name}: unexpected EOF (missing {{{{end}}}})")
        return nodes, "<eof>", [], 0

    def parse_action(self, word, tokens, line):
        where = self.where(line)
        if word in ("if", "with"):
            return self.parse_branch(word, tokens[1:], line)
        if word == "range":
            return self.parse_range(tokens[1:], line)
        if word == "define":
            tname = self.template_name(tokens[1:], where, allow_pipe=False)[0]
            body, _, _, _ = self.parse_list({"end"})
            self.defines[tname] = body
            return ("text", "")
        if word in ("template", "block"):
            tname, rest = self.template_name(tokens[1:], where, allow_pipe=True)
            pipe = _parse_pipeline(rest, where) if rest else None
            if word == "block":
                body, _, _, _ = self.parse_list({"end"})
                self.defines[tname] = body
            return ("template", tname, pipe, where)
        if word in ("break", "continue"):
            raise TemplateError(f"{where}: {{{{{word}}}}} is not supported")
        return ("action", _parse_pipeline(tokens, where, allow_decl=True), where)

    def template_name(self, tokens, where, allow_pipe):
        if not tokens or tokens[0][0] not in ("string", "raw"):
            raise TemplateError(f"{where}: template name must be a string")
        if not allow_pipe and len(tokens) > 1:
            raise TemplateError(f"{where}: unexpected tokens after define name")
        return unquote(tokens[0]), tokens[1:]

    def parse_branch(self, word, tokens, line):
        where = self.where(line)
        pipe = _parse_pipeline(tokens, where, allow_decl=True)
        body, stop, rest, sline = self.parse_list({"else", "end"})
        other = []
        if stop == "else":
            if rest and rest[0] == ("ident", word):  # {{else if ...}} / {{else with ...}}
                other = [self.parse_branch(word, rest[1:], sline)]
            elif rest:
                raise TemplateError(f"{self.where(sline)}: unexpected tokens after else")
            else:
                other, _, _, _ = self.parse_list({"end"})
        return (word, pipe, body, other, where)

    def parse_range(self, tokens, line):
        where = self.where(line)
        names = []
        if len(tokens) >= 2 and tokens[0][0] == "variable":
            if tokens[1][0] == "declare":
                names, tokens = [tokens[0][1]], tokens[2:]
            elif tokens[1][0] == "comma" and len(tokens) >= 4 and tokens[2][0] == "variable" and tokens[3][0] == "declare":
                names, tokens = [tokens[0][1], tokens[2][1]], tokens[4:]
        pipe = _parse_pipeline(tokens, where)
        body, stop, rest, sline = self.parse_list({"else", "end"})
        other = []
        if stop == "else":
            if rest:
                raise TemplateError(f"{self.where(sline)}: unexpected tokens after else in range")
            other, _, _, _ = self.parse_list({"end"})
        return ("range", names, pipe, body, other, where)


def _parse_pipeline(tokens, where, allow_decl=False):
    """("pipe", decl_names, is_assign, commands); a command is a list of operands."""
    names, assign = [], False
    if len(tokens) >= 2 and tokens[0][0] == "variable" and tokens[1][0] in ("declare", "assign"):
        if not allow_decl:
            raise TemplateError(f"{where}: variable declaration not allowed here")
        names, assign, tokens = [tokens[0][1]], tokens[1][0] == "assign", tokens[2:]
    commands, current, i = [], [], 0
    while i < len(tokens):
        kind, value = tokens[i]
        if kind == "pipe":
            if not current:
                raise TemplateError(f"{where}: missing command before |")
            commands.append(current)
            current = []
            i += 1
            continue
        operand, i = _parse_operand(tokens, i, where)
        current.append(operand)
    if not current:
        raise TemplateError(f"{where}: missing value for command")
    commands.append(current)
    for cmd in commands[1:]:
        if cmd[0][0] not in ("func", "field", "chain", "var"):
            raise TemplateError(f"{where}: non executable command in pipeline stage")
    return ("pipe", names, assign, commands)


def _parse_operand(tokens, i, where):
    kind, value = tokens[i]
    if kind == "lparen":
        depth, j = 1, i + 1
        while j < len(tokens) and depth:
            depth += {"lparen": 1, "rparen": -1}.get(tokens[j][0], 0)
            j += 1
        if depth:
            raise TemplateError(f"{where}: unclosed left paren")
        node = ("sub", _parse_pipeline(tokens[i + 1:j - 1], where))
        i = j
    elif kind == "variable":
        node, i = ("var", value, []), i + 1
    elif kind == "field":
        node, i = ("field", [] if value == "." else value[1:].split(".")), i + 1
        return node, i
    elif kind in ("string", "raw", "char"):
        return ("lit", unquote(tokens[i])), i + 1
    elif kind == "number":
        return ("lit", parse_number(value, where)), i + 1
    elif kind == "ident":
        if value in ("true", "false"):
            return ("lit", value == "true"), i + 1
        if value == "nil":
            return ("nil",), i + 1
        if value in KEYWORDS:
            raise TemplateError(f"{where}: unexpected keyword {value}")
        if value not in FUNCS:
            raise TemplateError(f'{where}: function "{value}" not defined')
        return ("func", value), i + 1
    else:
        raise TemplateError(f"{where}: unexpected {value!r}")
    if i < len(tokens) and tokens[i][0] == "chain":
        node = ("chain", node, tokens[i][1][1:].split("."))
        i += 1
    return node, i


class _Scope:
    """Variables: a stack of frames; each control structure pops what it declared."""

    def __init__(self, dot):
        self.vars = [("$", dot)]

    def mark(self):
        return len(self.vars)

    def pop(self, mark):
        del self.vars[mark:]

    def push(self, name, value):
        self.vars.append((name, value))

    def set(self, name, value, where):
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                self.vars[i] = (name, value)
                return
        raise TemplateError(f"{where}: undefined variable: {name}")

    def get(self, name, where):
        for n, v in reversed(self.vars):
            if n == name:
                return v
        raise TemplateError(f'{where}: undefined variable "{name}"')


class Template:
    """A set of templates sharing their defines (one Helm chart): add() each file, then render()."""

    def __init__(self):
        self.files = {}
        self.defines = {}

    def add(self, name, source):
        parser = _Parser(split_text(source, name), name, self.defines)
        nodes, _, _, _ = parser.parse_list({"<eof>"})
        self.files[name] = nodes

    def render(self, name, data):
        out = []
        self._exec(self.files[name], data, _Scope(data), out)
        return "".join(out)

    def include(self, name, data):
        if name not in self.defines:
            raise TemplateError(f'no template "{name}" associated with template')
        out = []
        self._exec(self.defines[name], data, _Scope(data), out)
        return "".join(out)

    # ---- execution ----------------------------------------------------------------------

    def _exec(self, nodes, dot, scope, out):
        for node in nodes:
            kind = node[0]
            if kind == "text":
                out.append(node[1])
            elif kind == "action":
                pipe = node[1]
                value = self._pipeline(pipe, dot, scope, node[2])
                if not pipe[1]:
                    out.append(go_print(value))
            elif kind in ("if", "with"):
                self._branch(node, dot, scope, out)
            elif kind == "range":
                self._range(node, dot, scope, out)
            elif kind == "template":
                _, tname, pipe, where = node
                if tname not in self.defines:
                    raise TemplateError(f'{where}: no such template "{tname}"')
                arg = self._pipeline(pipe, dot, scope, where) if pipe else None
                self._exec(self.defines[tname], arg, _Scope(arg), out)

    def _branch(self, node, dot, scope, out):
        word, pipe, body, other, where = node
        mark = scope.mark()
        value = self._pipeline(pipe, dot, scope, where)
        if truth(value):
            self._exec(body, value if word == "with" else dot, scope, out)
        else:
            self._exec(other, dot, scope, out)
        scope.pop(mark)

    def _range(self, node, dot, scope, out):
        _, names, pipe, body, other, where = node
        value = self._pipeline(pipe, dot, scope, where)
        if isinstance(value, dict):
            items = [(k, value[k]) for k in sorted(value)]
        elif isinstance(value, list):
            items = list(enumerate(value))
        elif value is None:
            items = []
        else:
            raise TemplateError(f"{where}: range can't iterate over {go_print(value)}")
        if not items:
            self._exec(other, dot, scope, out)
            return
        for key, elem in items:
            mark = scope.mark()
            if len(names) == 1:
                scope.push(names[0], elem)
            elif len(names) == 2:
                scope.push(names[0], key)
                scope.push(names[1], elem)
            self._exec(body, elem, scope, out)
            scope.pop(mark)

    def _pipeline(self, pipe, dot, scope, where):
        _, names, assign, commands = pipe
        value, has_value = None, False
        for cmd in commands:
            value = self._command(cmd, dot, scope, where, [value] if has_value else [])
            has_value = True
        if names:
            if assign:
                scope.set(names[0], value, where)
            else:
                scope.push(names[0], value)
        return value

    def _command(self, cmd, dot, scope, where, piped):
        head = cmd[0]
        if head[0] == "func" and head[1] in ("and", "or") and len(cmd) + len(piped) > 1:
            # Go evaluates and/or arguments only until one decides: `and .a .a.b` is safe.
            want = head[1] == "or"
            value = None
            for arg in cmd[1:]:
                value = self._operand(arg, dot, scope, where)
                if truth(value) == want:
                    return value
            return piped[0] if piped else value
        if head[0] == "func":
            args = [self._operand(a, dot, scope, where) for a in cmd[1:]] + piped
            return FUNCS[head[1]](self, where, *args)
        if len(cmd) > 1 or piped:
            raise TemplateError(f"{where}: can't give argument to non-function {self._describe(head)}")
        return self._operand(head, dot, scope, where)

    def _describe(self, node):
        return {"field": lambda: "." + ".".join(node[1]), "var": lambda: node[1]}.get(node[0], lambda: node[0])()

    def _operand(self, node, dot, scope, where):
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "nil":
            raise TemplateError(f"{where}: nil is not a command")
        if kind == "field":
            return _fields(dot, node[1], where)
        if kind == "var":
            return scope.get(node[1], where)
        if kind == "sub":
            return self._pipeline(node[1], dot, scope, where)
        if kind == "chain":
            return _fields(self._operand(node[1], dot, scope, where), node[2], where)
        if kind == "func":
            return FUNCS[node[1]](self, where)
        raise TemplateError(f"{where}: cannot evaluate {kind}")


def _fields(value, names, where):
    for name in names:
        if isinstance(value, dict):
            value = value.get(name)
        elif value is None:
            raise TemplateError(f"{where}: nil pointer evaluating interface {{}}.{name}")
        else:
            raise TemplateError(f"{where}: can't evaluate field {name} in type {type(value).__name__}")
    return value
