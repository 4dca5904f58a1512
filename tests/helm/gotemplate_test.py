"""gotemplate.py against what Go's text/template (with Sprig and Helm's functions) outputs.

Every expected string is Go's documented or known output for the same template and data
(text/template package docs, fmt's %v rules, Sprig's function docs, Helm's toYaml); the
errors are the ones Go raises, so a chart that would fail under helm fails here too."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gotemplate import Template, TemplateError  # noqa: E402
from gotemplate_funcs import go_float  # noqa: E402


def render(source, data=None, defines=""):
    t = Template()
    if defines:
        t.add("_helpers.tpl", defines)
    t.add("t", source)
    return t.render("t", data if data is not None else {})


class ActionsAndTrimming(unittest.TestCase):
    def test_text_and_literals(self):
        self.assertEqual(render('a{{ "b" }}c'), "abc")
        self.assertEqual(render('{{ "a\\tb\\u00e9" }}'), "a\tb\u00e9")
        self.assertEqual(render("{{ `raw\\n` }}"), "raw\\n")
        self.assertEqual(render("{{ 1 }} {{ 1.5 }} {{ true }} {{ 0x10 }}"), "1 1.5 true 16")
        self.assertEqual(render("{{ 'a' }}"), "97")  # a character constant is a rune: an int

    def test_trim_markers_take_all_adjacent_whitespace(self):
        self.assertEqual(render("a \n\t {{- 1 -}} \n b"), "a1b")
        self.assertEqual(render("x:\n  {{- \"y\" }}\n"), "x:y\n")
        self.assertEqual(render("{{ 1 -}}\n\n  z"), "1z")

    def test_a_dash_without_space_is_a_negative_number(self):
        self.assertEqual(render("a {{-3}} b"), "a -3 b")

    def test_comments(self):
        self.assertEqual(render("a{{/* note */}}b"), "ab")
        self.assertEqual(render("a \n {{- /* note */ -}} \n b"), "ab")
        self.assertEqual(render("a{{/* multi\nline */}}b"), "ab")

    def test_fields_missing_keys_and_nil(self):
        data = {"a": {"b": 1.0}, "s": "x"}
        self.assertEqual(render("{{ .a.b }}", data), "1")
        self.assertEqual(render("{{ .missing }}", data), "<no value>")  # Helm then blanks it
        with self.assertRaisesRegex(TemplateError, "nil pointer evaluating interface {}.y"):
            render("{{ .missing.y }}", data)
        with self.assertRaisesRegex(TemplateError, "can't evaluate field y"):
            render("{{ .s.y }}", data)

    def test_printing_follows_fmt(self):
        data = {"m": {"b": 2.0, "a": "x"}, "l": [1.0, "two", None]}
        self.assertEqual(render("{{ .m }}", data), "map[a:x b:2]")
        self.assertEqual(render("{{ .l }}", data), "[1 two <nil>]")
        self.assertEqual(render("{{ 1000000.0 }}"), "1e+06")

    def test_go_float_formatting(self):
        cases = {1.0: "1", 80.0: "80", 100000.0: "100000", 1000000.0: "1e+06", 1.5: "1.5",
                 123456789.0: "1.23456789e+08", 0.0001: "0.0001", 0.00001: "1e-05", -2.5: "-2.5",
                 0.1: "0.1", 1e21: "1e+21", 12345.678: "12345.678"}
        for value, go in cases.items():
            self.assertEqual(go_float(value), go, value)


class Control(unittest.TestCase):
    def test_if_else_if_else(self):
        t = "{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}"
        self.assertEqual(render(t, {"a": 1.0}), "A")
        self.assertEqual(render(t, {"a": 0.0, "b": "x"}), "B")
        self.assertEqual(render(t, {"a": "", "b": []}), "C")
        self.assertEqual(render(t, {"a": {}, "b": False}), "C")

    def test_range_lists_and_maps(self):
        self.assertEqual(render("{{ range $i, $e := .l }}{{ $i }}={{ $e }},{{ end }}", {"l": ["a", "b"]}), "0=a,1=b,")
        self.assertEqual(render("{{ range .l }}[{{ . }}]{{ end }}", {"l": ["a", "b"]}), "[a][b]")
        self.assertEqual(render("{{ range $e := .l }}{{ $e }}{{ end }}", {"l": ["a", "b"]}), "ab")
        self.assertEqual(render("{{ range $k, $v := .m }}{{ $k }}:{{ $v }} {{ end }}", {"m": {"b": 2.0, "a": 1.0}}),
                         "a:1 b:2 ")
        self.assertEqual(render("{{ range .l }}x{{ else }}empty{{ end }}", {"l": []}), "empty")
        self.assertEqual(render("{{ range .missing }}x{{ else }}empty{{ end }}", {}), "empty")
        self.assertEqual(render("{{ range .l }}{{ $.top }}{{ end }}", {"l": [1, 2], "top": "T"}), "TT")
        with self.assertRaisesRegex(TemplateError, "range can't iterate over x"):
            render("{{ range .s }}{{ end }}", {"s": "x"})

    def test_with_sets_dot(self):
        t = "{{ with .a }}{{ .b }}{{ else }}none{{ end }}"
        self.assertEqual(render(t, {"a": {"b": "B"}}), "B")
        self.assertEqual(render(t, {"a": {}}), "none")
        self.assertEqual(render("{{ with .a }}A{{ else with .b }}{{ . }}{{ end }}", {"b": "bee"}), "bee")

    def test_variables_scope_and_assignment(self):
        self.assertEqual(render("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}"), "2")
        self.assertEqual(render("{{ $x := 1 }}{{ if true }}{{ $x := 3 }}{{ $x }}{{ end }}{{ $x }}"), "31")
        with self.assertRaisesRegex(TemplateError, "undefined variable"):
            render("{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}")

    def test_define_include_template(self):
        helpers = '{{- define "x" -}}[{{ . }}]{{- end }}'
        self.assertEqual(render('{{ include "x" 3 }}', defines=helpers), "[3]")
        self.assertEqual(render('{{ template "x" "a" }}', defines=helpers), "[a]")
        self.assertEqual(render('{{ include "x" . | upper }}', {"k": 1}, defines=helpers), "[MAP[K:1]]")
        with self.assertRaisesRegex(TemplateError, 'no template "nope"'):
            render('{{ include "nope" . }}')

    def test_unclosed_and_stray_keywords_fail(self):
        for bad in ("{{ if true }}x", "{{ end }}", "{{ else }}", "{{ range .l }}", "{{ .a", '{{ "x }}'):
            with self.assertRaises(TemplateError, msg=bad):
                render(bad, {"l": []})


class Functions(unittest.TestCase):
    def test_pipelines_pass_the_last_argument(self):
        self.assertEqual(render('{{ "abc" | upper | quote }}'), '"ABC"')
        self.assertEqual(render('{{ (print "a" "b") | upper }}'), "AB")
        self.assertEqual(render("{{ (index .l 0).name }}", {"l": [{"name": "n"}]}), "n")
        self.assertEqual(render('{{ printf "%s-%d-%v-%q" "a" 1 2.5 "q" }}'), 'a-1-2.5-"q"')

    def test_print_spaces_between_non_strings(self):
        self.assertEqual(render("{{ print 1 2 }}"), "1 2")
        self.assertEqual(render('{{ print "a" 1 "b" }}'), "a1b")

    def test_default_and_empty(self):
        self.assertEqual(render('{{ default "x" "" }}'), "x")
        self.assertEqual(render('{{ default "x" false }}'), "x")
        self.assertEqual(render('{{ "" | default "x" }}'), "x")
        self.assertEqual(render("{{ 0 | default 5 }}"), "5")
        self.assertEqual(render('{{ "y" | default "x" }}'), "y")
        self.assertEqual(render('{{ .missing | default "d" }}'), "d")
        self.assertEqual(render("{{ empty .l }} {{ empty .m }}", {"l": [], "m": {"a": 1}}), "true false")

    def test_indent_nindent_toyaml(self):
        self.assertEqual(render('{{ "a\\nb" | nindent 2 }}'), "\n  a\n  b")
        self.assertEqual(render('{{ "a\\nb" | indent 2 }}'), "  a\n  b")
        data = {"v": {"b": [1.0, 2.0], "a": {"c": "x"}, "e": {}, "f": [], "s": "yes", "n": None}}
        self.assertEqual(render("{{ toYaml .v }}", data), "a:\n  c: x\nb:\n- 1\n- 2\ne: {}\nf: []\nn: null\ns: 'yes'")
        self.assertEqual(render("k:{{ toYaml .v.a | nindent 2 }}", data), "k:\n  c: x")
        self.assertEqual(render("{{ toYaml .s }}", {"s": "plain"}), "plain")

    def test_quote_trunc_trimsuffix_b64enc(self):
        self.assertEqual(render("{{ quote .missing }}"), "")  # Sprig's quote skips nils
        self.assertEqual(render("{{ quote 1 }}"), '"1"')
        self.assertEqual(render('{{ quote "a\\"b\\n" }}'), '"a\\"b\\n"')
        self.assertEqual(render('{{ trunc 3 "abcdef" }} {{ trunc -2 "abcdef" }} {{ trunc 9 "ab" }}'), "abc ef ab")
        self.assertEqual(render('{{ "abc-" | trimSuffix "-" }}'), "abc")
        self.assertEqual(render('{{ "kaos" | b64enc }}'), "a2Fvcw==")
        self.assertEqual(render('{{ dict "b" 1 "a" "x" }} {{ dict }}'), "map[a:x b:1] map[]")

    def test_comparisons_and_logic(self):
        self.assertEqual(render('{{ eq 1 1 }} {{ eq "a" "b" "a" }} {{ ne "a" "b" }} {{ lt 1 2 }}'), "true true true true")
        self.assertEqual(render('{{ and 1 0 2 }} {{ or 0 "" "x" }} {{ not "" }}'), "0 x true")
        # and/or stop at the first deciding argument, so the field of nil is never evaluated.
        self.assertEqual(render("{{ and .a .a.b }}|{{ or 1 .a.b }}", {}), "<no value>|1")
        self.assertEqual(render("{{ 0 | and 1 }} {{ 0 | or 1 }}"), "0 1")
        self.assertEqual(render("{{ len .l }} {{ index .m \"k\" }}", {"l": [1, 2], "m": {"k": "v"}}), "2 v")
        # A Helm values number is a float64: comparing it with an int constant fails in Go.
        with self.assertRaisesRegex(TemplateError, "incompatible types"):
            render("{{ eq .n 1 }}", {"n": 1.0})

    def test_go_argument_types_are_checked(self):
        with self.assertRaisesRegex(TemplateError, "expected int; got float64"):
            render('{{ nindent .n "a" }}', {"n": 2.0})
        with self.assertRaisesRegex(TemplateError, "expected string"):
            render("{{ .missing | upper }}")

    def test_required(self):
        self.assertEqual(render('{{ required "need x" .x }}', {"x": "v"}), "v")
        with self.assertRaisesRegex(TemplateError, "need x"):
            render('{{ required "need x" .x }}', {})

    def test_unsupported_things_fail_loudly(self):
        for bad in ("{{ nosuchfunc 1 }}", "{{ break }}", "{{ .a 1 }}", "{{ printf \"%x\" 1 }}"):
            with self.assertRaises(TemplateError, msg=bad):
                render(bad, {"a": {}})


if __name__ == "__main__":
    unittest.main()
