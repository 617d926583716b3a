// Package cloudformation evaluates this project's CloudFormation template
// (build/template.yaml) for given parameter values, so that tests can
// check what a deployment would create without deploying anything.
//
// Parse reads a template in YAML, with CloudFormation's short-form tags
// (!Ref, !Sub, !GetAtt, …) turned into their long forms. New takes the
// parameter values, and Stack.Eval resolves the intrinsic functions:
//
//   - Ref, Fn::GetAtt, Fn::Sub (with and without a variables map),
//     Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap and Fn::Base64;
//   - conditions: Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or and
//     {"Condition": name}; a resource or output whose Condition is false
//     is removed, and so is a property that evaluates to AWS::NoValue;
//   - the pseudo parameters AWS::Region ("eu-north-1"), AWS::AccountId
//     ("123456789012"), AWS::StackName ("portal"), AWS::Partition ("aws"),
//     AWS::URLSuffix ("amazonaws.com"), AWS::StackId ("stack-id") and
//     AWS::NoValue (not AWS::NotificationARNs);
//   - parameters: Default, AllowedValues, AllowedPattern (which must match
//     the whole value), MinLength, and for Type Number that the value is a
//     number within MinValue and MaxValue.
//
// Only a deployment knows what a resource's Ref or attributes are, so Ref
// of a resource gives "ref:Name" and Fn::GetAtt gives "getatt:Name.Attr".
// Fn::Base64 gives its argument as it is, not encoded.
// Fn::Cidr, Fn::GetAZs, Fn::ImportValue, Fn::Transform, Fn::Length and
// Fn::ToJsonString are parsed but not evaluated: Eval reports them as
// errors, as it does any other function it does not know.
//
// It is not a full implementation of CloudFormation, and none of SAM: it
// knows no resource types or their properties, does not expand transforms
// (an AWS::Serverless resource stays as written), leaves dynamic
// references ({{resolve:…}}) as text, does not refuse a Ref to a resource
// whose condition is false, and ignores Rules, MaxLength, list and
// AWS-specific parameter types, and the language extensions. It does what
// this project's template needs; a construct the template starts to use
// may need adding here first.
package cloudformation

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Template is a template as Parse reads it: maps, lists and scalars, each
// intrinsic function in its long form. It is a plain map so that callers
// can walk it like any other decoded YAML.
type Template = map[string]any

// intrinsics are the short-form tags CloudFormation's YAML knows, and the
// long form each stands for.
var intrinsics = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition", "!GetAtt": "Fn::GetAtt", "!Sub": "Fn::Sub",
	"!Join": "Fn::Join", "!Select": "Fn::Select", "!Split": "Fn::Split", "!If": "Fn::If",
	"!Equals": "Fn::Equals", "!Not": "Fn::Not", "!And": "Fn::And", "!Or": "Fn::Or",
	"!FindInMap": "Fn::FindInMap", "!Base64": "Fn::Base64", "!Cidr": "Fn::Cidr",
	"!GetAZs": "Fn::GetAZs", "!ImportValue": "Fn::ImportValue", "!Transform": "Fn::Transform",
	"!Length": "Fn::Length", "!ToJsonString": "Fn::ToJsonString",
}

// Parse reads a template into maps, lists and scalars, with each
// intrinsic in its long form: !Ref X is {"Ref": "X"}, !GetAtt A.B is
// {"Fn::GetAtt": ["A", "B"]}.
func Parse(data []byte) (Template, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	v, err := fromNode(&doc)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("the template is not a mapping")
	}
	return m, nil
}

func fromNode(n *yaml.Node) (any, error) {
	var v any
	switch n.Kind {
	case yaml.DocumentNode:
		return fromNode(n.Content[0])
	case yaml.AliasNode:
		return fromNode(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: a key that is not a scalar", k.Line)
			}
			x, err := fromNode(val)
			if err != nil {
				return nil, err
			}
			m[k.Value] = x
		}
		v = m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			x, err := fromNode(c)
			if err != nil {
				return nil, err
			}
			l = append(l, x)
		}
		v = l
	case yaml.ScalarNode:
		if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
			v = n.Value // an intrinsic's argument is its text
			break
		}
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %v", n.Line, err)
		}
	}
	if !strings.HasPrefix(n.Tag, "!") || strings.HasPrefix(n.Tag, "!!") {
		return v, nil
	}
	long, ok := intrinsics[n.Tag]
	if !ok {
		return nil, fmt.Errorf("line %d: unknown tag %s", n.Line, n.Tag)
	}
	if s, isString := v.(string); long == "Fn::GetAtt" && isString {
		res, attr, ok := strings.Cut(s, ".")
		if !ok {
			return nil, fmt.Errorf("line %d: !GetAtt %s: want Resource.Attribute", n.Line, s)
		}
		v = []any{res, attr}
	}
	return map[string]any{long: v}, nil
}

// Stack is a template being deployed: parameter values, pseudo
// parameters, conditions, resources.
type Stack struct {
	params     map[string]string
	pseudo     map[string]string
	resources  map[string]bool
	mappings   map[string]any
	condExprs  map[string]any
	conditions map[string]bool // evaluated, by name
}

// New gives the template's parameters their values: those in params, and
// the defaults for the rest. It checks them as CloudFormation does before
// it deploys anything, and reports every problem at once.
func New(tpl Template, params map[string]string) (*Stack, error) {
	s := &Stack{params: map[string]string{}, resources: map[string]bool{}, condExprs: map[string]any{},
		conditions: map[string]bool{}, pseudo: map[string]string{
			"AWS::Region": "eu-north-1", "AWS::AccountId": "123456789012", "AWS::StackName": "portal",
			"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::StackId": "stack-id",
		}}
	s.mappings, _ = tpl["Mappings"].(map[string]any)
	for id := range asMap(tpl["Resources"]) {
		s.resources[id] = true
	}
	for name, c := range asMap(tpl["Conditions"]) {
		s.condExprs[name] = c
	}
	var errs []error
	declared := asMap(tpl["Parameters"])
	for name := range params {
		if _, ok := declared[name]; !ok {
			errs = append(errs, fmt.Errorf("no parameter %s", name))
		}
	}
	for name, d := range declared {
		p := asMap(d)
		v, ok := params[name]
		if !ok {
			def, hasDefault := p["Default"]
			if !hasDefault {
				errs = append(errs, fmt.Errorf("parameter %s has no default and no value", name))
				continue
			}
			v = fmt.Sprint(def)
		}
		if err := checkParameter(name, p, v); err != nil {
			errs = append(errs, err)
		}
		s.params[name] = v
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// checkParameter applies a parameter's constraints, as CloudFormation does
// before it deploys anything.
func checkParameter(name string, p map[string]any, v string) error {
	if pat, ok := p["AllowedPattern"].(string); ok {
		re, err := regexp.Compile(`^(?:` + pat + `)$`)
		if err != nil {
			return fmt.Errorf("%s: AllowedPattern: %v", name, err)
		}
		if !re.MatchString(v) {
			return fmt.Errorf("%s: %q does not match its AllowedPattern", name, v)
		}
	}
	if allowed, ok := p["AllowedValues"].([]any); ok && !slices.ContainsFunc(allowed, func(a any) bool { return fmt.Sprint(a) == v }) {
		return fmt.Errorf("%s: %q is not an allowed value", name, v)
	}
	if p["Type"] == "Number" {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("%s: %q is not a number", name, v)
		}
		if lo, ok := p["MinValue"]; ok && n < toFloat(lo) {
			return fmt.Errorf("%s: %v is below MinValue", name, n)
		}
		if hi, ok := p["MaxValue"]; ok && n > toFloat(hi) {
			return fmt.Errorf("%s: %v is above MaxValue", name, n)
		}
	}
	if lo, ok := p["MinLength"]; ok && float64(len(v)) < toFloat(lo) {
		return fmt.Errorf("%s: %q is shorter than MinLength", name, v)
	}
	return nil
}

func toFloat(v any) float64 {
	f, _ := strconv.ParseFloat(fmt.Sprint(v), 64)
	return f
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// intrinsic returns the function name and argument of {"Fn::X": arg}.
func intrinsic(v any) (string, any, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", nil, false
	}
	for k, arg := range m {
		if k == "Ref" || strings.HasPrefix(k, "Fn::") {
			return k, arg, true
		}
	}
	return "", nil, false
}

// Condition evaluates the template's condition of that name. It is
// evaluated once and remembered, as a deployment fixes it once.
func (s *Stack) Condition(name string) (bool, error) {
	if v, ok := s.conditions[name]; ok {
		return v, nil
	}
	expr, ok := s.condExprs[name]
	if !ok {
		return false, fmt.Errorf("no condition %s", name)
	}
	v, _, err := s.Eval(expr)
	if err != nil {
		return false, fmt.Errorf("condition %s: %w", name, err)
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("condition %s is %T, not a boolean", name, v)
	}
	s.conditions[name] = b
	return b, nil
}

// boolean evaluates a condition operand: a condition function, or
// {"Condition": name}.
func (s *Stack) boolean(v any) (bool, error) {
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		if name, ok := m["Condition"].(string); ok {
			return s.Condition(name)
		}
	}
	x, _, err := s.Eval(v)
	if err != nil {
		return false, err
	}
	b, ok := x.(bool)
	if !ok {
		return false, fmt.Errorf("%v is not a boolean", v)
	}
	return b, nil
}

// Eval resolves every intrinsic in v: the whole template, or any part of
// it. A resource's Ref becomes "ref:Name" and its attribute
// "getatt:Name.Attr", since only a deployment knows them. keep is false
// for AWS::NoValue, which removes the property it stands for. Resources
// and outputs whose condition is false are removed.
func (s *Stack) Eval(v any) (out any, keep bool, err error) {
	if fn, arg, ok := intrinsic(v); ok {
		return s.call(fn, arg)
	}
	switch v := v.(type) {
	case map[string]any:
		m := map[string]any{}
		for k, x := range v {
			if c, ok := asMap(x)["Condition"].(string); ok && isConditional(k) {
				on, err := s.Condition(c)
				if err != nil {
					return nil, false, err
				}
				if !on {
					continue
				}
			}
			y, keep, err := s.Eval(x)
			if err != nil {
				return nil, false, fmt.Errorf("%s: %w", k, err)
			}
			if keep {
				m[k] = y
			}
		}
		return m, true, nil
	case []any:
		l := []any{}
		for i, x := range v {
			y, keep, err := s.Eval(x)
			if err != nil {
				return nil, false, fmt.Errorf("[%d]: %w", i, err)
			}
			if keep {
				l = append(l, y)
			}
		}
		return l, true, nil
	}
	return v, true, nil
}

// isConditional says whether a map entry may carry a Condition that
// removes it: resources and outputs, by their logical ids (which start
// with a capital; properties named Condition hold maps, not names).
func isConditional(key string) bool { return key != "" && key[0] >= 'A' && key[0] <= 'Z' }

func (s *Stack) call(fn string, arg any) (any, bool, error) {
	args, _ := arg.([]any)
	want := func(n int) error {
		if len(args) != n {
			return fmt.Errorf("%s takes %d arguments, got %v", fn, n, arg)
		}
		return nil
	}
	str := func(v any) (string, error) {
		x, _, err := s.Eval(v)
		if err != nil {
			return "", err
		}
		if _, isList := x.([]any); isList {
			return "", fmt.Errorf("%s: a list where a string belongs", fn)
		}
		return fmt.Sprint(x), nil
	}
	switch fn {
	case "Ref":
		name := fmt.Sprint(arg)
		if name == "AWS::NoValue" {
			return nil, false, nil
		}
		v, err := s.ref(name)
		return v, true, err
	case "Fn::GetAtt":
		if err := want(2); err != nil {
			return nil, false, err
		}
		res := fmt.Sprint(args[0])
		if !s.resources[res] {
			return nil, false, fmt.Errorf("!GetAtt: no resource %s", res)
		}
		return "getatt:" + res + "." + fmt.Sprint(args[1]), true, nil
	case "Fn::Sub":
		text, vars := arg, map[string]any{}
		if len(args) == 2 {
			text, vars = args[0], asMap(args[1])
		}
		t, ok := text.(string)
		if !ok {
			return nil, false, fmt.Errorf("!Sub of %T", text)
		}
		out, err := s.sub(t, vars)
		return out, true, err
	case "Fn::If":
		if err := want(3); err != nil {
			return nil, false, err
		}
		on, err := s.Condition(fmt.Sprint(args[0]))
		if err != nil {
			return nil, false, err
		}
		if on {
			return s.Eval(args[1])
		}
		return s.Eval(args[2])
	case "Fn::Equals":
		if err := want(2); err != nil {
			return nil, false, err
		}
		a, err := str(args[0])
		if err != nil {
			return nil, false, err
		}
		b, err := str(args[1])
		return a == b, true, err
	case "Fn::Not":
		if err := want(1); err != nil {
			return nil, false, err
		}
		b, err := s.boolean(args[0])
		return !b, true, err
	case "Fn::And", "Fn::Or":
		all := fn == "Fn::And"
		for _, a := range args {
			b, err := s.boolean(a)
			if err != nil {
				return nil, false, err
			}
			if b != all {
				return !all, true, nil
			}
		}
		return all, true, nil
	case "Fn::Join":
		if err := want(2); err != nil {
			return nil, false, err
		}
		list, _, err := s.Eval(args[1])
		if err != nil {
			return nil, false, err
		}
		var parts []string
		for _, x := range list.([]any) {
			parts = append(parts, fmt.Sprint(x))
		}
		return strings.Join(parts, fmt.Sprint(args[0])), true, nil
	case "Fn::Select":
		if err := want(2); err != nil {
			return nil, false, err
		}
		i, err := strconv.Atoi(fmt.Sprint(args[0]))
		if err != nil {
			return nil, false, err
		}
		list, _, err := s.Eval(args[1])
		if err != nil {
			return nil, false, err
		}
		l, ok := list.([]any)
		if !ok || i < 0 || i >= len(l) {
			return nil, false, fmt.Errorf("!Select %d of %v", i, list)
		}
		return l[i], true, nil
	case "Fn::Split":
		if err := want(2); err != nil {
			return nil, false, err
		}
		t, err := str(args[1])
		if err != nil {
			return nil, false, err
		}
		var out []any
		for _, p := range strings.Split(t, fmt.Sprint(args[0])) {
			out = append(out, p)
		}
		return out, true, nil
	case "Fn::FindInMap":
		if err := want(3); err != nil {
			return nil, false, err
		}
		var keys [3]string
		for i := range keys {
			k, err := str(args[i])
			if err != nil {
				return nil, false, err
			}
			keys[i] = k
		}
		v, ok := asMap(asMap(s.mappings[keys[0]])[keys[1]])[keys[2]]
		if !ok {
			return nil, false, fmt.Errorf("!FindInMap %v: not found", keys)
		}
		return v, true, nil
	case "Fn::Base64":
		t, err := str(arg)
		return t, true, err
	}
	// Failing beats guessing: a value made up here would be checked by
	// the tests as if a deployment had produced it.
	return nil, false, fmt.Errorf("%s: not implemented by this evaluator", fn)
}

func (s *Stack) ref(name string) (string, error) {
	if v, ok := s.params[name]; ok {
		return v, nil
	}
	if v, ok := s.pseudo[name]; ok {
		return v, nil
	}
	if s.resources[name] {
		return "ref:" + name, nil
	}
	return "", fmt.Errorf("!Ref %s: no such parameter or resource", name)
}

var subVar = regexp.MustCompile(`\$\{([^}]*)\}`)

// sub is Fn::Sub: ${Name} is a variable, parameter, pseudo parameter or
// resource; ${Res.Attr} an attribute; ${!Text} the literal ${Text}.
func (s *Stack) sub(text string, vars map[string]any) (string, error) {
	var errs []error
	out := subVar.ReplaceAllStringFunc(text, func(m string) string {
		name := m[2 : len(m)-1]
		if strings.HasPrefix(name, "!") {
			return "${" + name[1:] + "}"
		}
		if v, ok := vars[name]; ok {
			x, _, err := s.Eval(v)
			if err != nil {
				errs = append(errs, err)
			}
			return fmt.Sprint(x)
		}
		if res, attr, ok := strings.Cut(name, "."); ok && !strings.Contains(res, "::") {
			if !s.resources[res] {
				errs = append(errs, fmt.Errorf("!Sub ${%s}: no resource %s", name, res))
			}
			return "getatt:" + res + "." + attr
		}
		v, err := s.ref(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("!Sub ${%s}: %w", name, err))
		}
		return v
	})
	return out, errors.Join(errs...)
}

// CheckReferences walks every branch, taken or not, and reports a Ref,
// GetAtt, Sub variable, condition or DependsOn that names nothing. Eval
// sees only the branches the parameters choose, so a mistake in another
// would wait for the deployment that chooses it.
func (s *Stack) CheckReferences(tpl Template) error {
	var errs []error
	exists := func(name string) bool {
		_, p := s.params[name]
		_, ps := s.pseudo[name]
		return p || ps || s.resources[name] || name == "AWS::NoValue"
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		if fn, arg, ok := intrinsic(v); ok {
			args, _ := arg.([]any)
			switch fn {
			case "Ref":
				if !exists(fmt.Sprint(arg)) {
					errs = append(errs, fmt.Errorf("%s: !Ref %v names nothing", path, arg))
				}
			case "Fn::GetAtt":
				if len(args) != 2 || !s.resources[fmt.Sprint(args[0])] {
					errs = append(errs, fmt.Errorf("%s: !GetAtt %v names no resource", path, arg))
				}
			case "Fn::Sub":
				text, _ := arg.(string)
				vars := map[string]any{}
				if len(args) == 2 {
					text, _ = args[0].(string)
					vars = asMap(args[1])
				}
				for _, m := range subVar.FindAllStringSubmatch(text, -1) {
					name := m[1]
					res, _, isAttr := strings.Cut(name, ".")
					switch {
					case strings.HasPrefix(name, "!"), vars[name] != nil:
					case isAttr && !strings.Contains(res, "::"):
						if !s.resources[res] {
							errs = append(errs, fmt.Errorf("%s: !Sub ${%s} names no resource", path, name))
						}
					case !exists(name):
						errs = append(errs, fmt.Errorf("%s: !Sub ${%s} names nothing", path, name))
					}
				}
			case "Fn::If":
				if len(args) != 3 {
					errs = append(errs, fmt.Errorf("%s: !If takes 3 arguments", path))
				} else if _, ok := s.condExprs[fmt.Sprint(args[0])]; !ok {
					errs = append(errs, fmt.Errorf("%s: !If %v: no such condition", path, args[0]))
				}
			}
		}
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "DependsOn" {
					deps, ok := x.([]any)
					if !ok {
						deps = []any{x}
					}
					for _, d := range deps {
						if !s.resources[fmt.Sprint(d)] {
							errs = append(errs, fmt.Errorf("%s: DependsOn %v names no resource", path, d))
						}
					}
				}
				if c, ok := x.(string); ok && k == "Condition" {
					if _, ok := s.condExprs[c]; !ok {
						errs = append(errs, fmt.Errorf("%s: no condition %s", path, c))
					}
				}
				walk(path+"."+k, x)
			}
		case []any:
			for i, x := range v {
				walk(path+"."+strconv.Itoa(i), x)
			}
		}
	}
	walk("", tpl)
	return errors.Join(errs...)
}
