package cloudformation

import (
	"reflect"
	"strings"
	"testing"
)

// Short names for the shapes Parse and Eval produce.
type (
	obj  = map[string]any
	list = []any
)

func parse(t *testing.T, src string) Template {
	t.Helper()
	tpl, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return tpl
}

func newStack(t *testing.T, src string, params map[string]string) *Stack {
	t.Helper()
	s, err := New(parse(t, src), params)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// wantErr fails unless err says want; want is never empty, so a test
// cannot pass on an error it did not mean.
func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one saying %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q, want one saying %q", err, want)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, src string
		want      Template
	}{
		{"Ref", `V: !Ref X`, obj{"V": obj{"Ref": "X"}}},
		{"Ref argument stays text", `V: !Ref 123`, obj{"V": obj{"Ref": "123"}}},
		{"Condition", `V: !Condition C`, obj{"V": obj{"Condition": "C"}}},
		{"GetAtt string", `V: !GetAtt A.B`, obj{"V": obj{"Fn::GetAtt": list{"A", "B"}}}},
		{"GetAtt dotted attribute", `V: !GetAtt A.B.C`, obj{"V": obj{"Fn::GetAtt": list{"A", "B.C"}}}},
		{"GetAtt list", `V: !GetAtt [A, B]`, obj{"V": obj{"Fn::GetAtt": list{"A", "B"}}}},
		{"Sub", `V: !Sub "${X}-y"`, obj{"V": obj{"Fn::Sub": "${X}-y"}}},
		{"Sub with variables", `V: !Sub ["${X}", {X: !Ref Y}]`,
			obj{"V": obj{"Fn::Sub": list{"${X}", obj{"X": obj{"Ref": "Y"}}}}}},
		{"Join", `V: !Join ["", [a, b]]`, obj{"V": obj{"Fn::Join": list{"", list{"a", "b"}}}}},
		{"Select and Split", `V: !Select [0, !Split [",", "a,b"]]`,
			obj{"V": obj{"Fn::Select": list{0, obj{"Fn::Split": list{",", "a,b"}}}}}},
		{"If", `V: !If [C, a, b]`, obj{"V": obj{"Fn::If": list{"C", "a", "b"}}}},
		{"Equals", `V: !Equals [a, b]`, obj{"V": obj{"Fn::Equals": list{"a", "b"}}}},
		{"Not", `V: !Not [!Condition C]`, obj{"V": obj{"Fn::Not": list{obj{"Condition": "C"}}}}},
		{"And", `V: !And [!Condition C, !Equals [a, b]]`,
			obj{"V": obj{"Fn::And": list{obj{"Condition": "C"}, obj{"Fn::Equals": list{"a", "b"}}}}}},
		{"Or", `V: !Or [!Condition C, !Condition D]`,
			obj{"V": obj{"Fn::Or": list{obj{"Condition": "C"}, obj{"Condition": "D"}}}}},
		{"FindInMap", `V: !FindInMap [M, !Ref K, v]`, obj{"V": obj{"Fn::FindInMap": list{"M", obj{"Ref": "K"}, "v"}}}},
		{"Base64", `V: !Base64 text`, obj{"V": obj{"Fn::Base64": "text"}}},
		{"parsed though not evaluated", `V: !ImportValue shared`, obj{"V": obj{"Fn::ImportValue": "shared"}}},
		{"long form unchanged", `V: {"Fn::GetAtt": [A, B]}`, obj{"V": obj{"Fn::GetAtt": list{"A", "B"}}}},
		{"plain scalars", `V: [256, "256", true, 1.5, !!str 7, ~]`, obj{"V": list{256, "256", true, 1.5, "7", nil}}},
		{"alias", "A: &a [1, !Ref X]\nV: *a", obj{"A": list{1, obj{"Ref": "X"}}, "V": list{1, obj{"Ref": "X"}}}},
		{"JSON", `{"V": {"Ref": "X"}}`, obj{"V": obj{"Ref": "X"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parse(t, tt.src); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q)\n got: %#v\nwant: %#v", tt.src, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"empty", "", "not a mapping"},
		{"a list", "- a\n- b", "not a mapping"},
		{"unknown tag", "A: 1\nV: !Nope x", "line 2: unknown tag !Nope"},
		{"GetAtt without attribute", "V: !GetAtt Bucket", "!GetAtt Bucket: want Resource.Attribute"},
		{"key not a scalar", "? [a, b]\n: c", "a key that is not a scalar"},
		{"bad YAML", "V: [", "did not find expected node content"},
		{"bad scalar", "V: !!int abc", "line 1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, err := Parse([]byte(tt.src))
			wantErr(t, err, tt.want)
			if tpl != nil {
				t.Errorf("Parse returned %v with the error", tpl)
			}
		})
	}
}

// base is the template the expression tests evaluate in, with Name given
// and the other parameters at their defaults.
const base = `
Parameters:
  Env:
    Type: String
    Default: test
    AllowedValues: [test, prod]
  Name:
    Type: String
    Default: portal
  Size:
    Type: Number
    Default: 20
Mappings:
  Regions:
    eu-north-1:
      Ami: ami-north
      Zones: 3
    eu-west-1:
      Ami: ami-west
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsTest:
    Fn::Equals: [{Ref: Env}, test]
  HasName: !Not [!Equals [!Ref Name, ""]]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Queue:
    Type: AWS::SQS::Queue
`

var baseParams = map[string]string{"Name": "site"}

// eval evaluates one expression, written as YAML, in the stack.
func eval(t *testing.T, s *Stack, expr string) (any, bool, error) {
	t.Helper()
	return s.Eval(parse(t, "V: "+expr)["V"])
}

func TestEval(t *testing.T) {
	tests := []struct {
		expr string
		want any
		gone bool // AWS::NoValue: the property is removed
	}{
		// Ref: parameters given and defaulted, resources, pseudo parameters.
		{expr: `!Ref Env`, want: "test"},
		{expr: `{Ref: Env}`, want: "test"},
		{expr: `!Ref Name`, want: "site"},
		{expr: `!Ref Size`, want: "20"},
		{expr: `!Ref Bucket`, want: "ref:Bucket"},
		{expr: `{Ref: Queue}`, want: "ref:Queue"},
		{expr: `!Ref AWS::Region`, want: "eu-north-1"},
		{expr: `{Ref: "AWS::AccountId"}`, want: "123456789012"},
		{expr: `!Ref AWS::StackName`, want: "portal"},
		{expr: `!Ref AWS::Partition`, want: "aws"},
		{expr: `!Ref AWS::URLSuffix`, want: "amazonaws.com"},
		{expr: `!Ref AWS::StackId`, want: "stack-id"},
		{expr: `!Ref AWS::NoValue`, gone: true},

		{expr: `!GetAtt Bucket.Arn`, want: "getatt:Bucket.Arn"},
		{expr: `!GetAtt [Queue, QueueName]`, want: "getatt:Queue.QueueName"},
		{expr: `{"Fn::GetAtt": [Bucket, DomainName]}`, want: "getatt:Bucket.DomainName"},
		{expr: `!GetAtt Bucket.A.B`, want: "getatt:Bucket.A.B"},

		{expr: `!Sub "${Name}-${Env}.${AWS::Region}"`, want: "site-test.eu-north-1"},
		{expr: `!Sub "arn:${Bucket}"`, want: "arn:ref:Bucket"},
		{expr: `!Sub "${Bucket.Arn}/*"`, want: "getatt:Bucket.Arn/*"},
		{expr: `!Sub "${!Name} ${Name}"`, want: "${Name} site"},
		{expr: `!Sub plain`, want: "plain"},
		{expr: `!Sub ["${Host}/${Name}", {Host: !GetAtt Bucket.DomainName}]`, want: "getatt:Bucket.DomainName/site"},
		{expr: `!Sub ["${Name}", {Name: other}]`, want: "other"}, // a variable hides a parameter
		{expr: `{"Fn::Sub": "${AWS::AccountId}"}`, want: "123456789012"},
		{expr: `{"Fn::Sub": ["${A}", {A: {Ref: Env}}]}`, want: "test"},

		{expr: `!If [IsTest, yes, no]`, want: "yes"},
		{expr: `!If [IsProd, yes, no]`, want: "no"},
		{expr: `!If [IsTest, !Ref Bucket, x]`, want: "ref:Bucket"},
		{expr: `{"Fn::If": [HasName, {Ref: Name}, none]}`, want: "site"},
		{expr: `!If [IsProd, x, !Ref AWS::NoValue]`, gone: true},

		{expr: `!Equals [a, a]`, want: true},
		{expr: `!Equals [a, b]`, want: false},
		{expr: `!Equals [!Ref Env, test]`, want: true},
		{expr: `!Equals [20, "20"]`, want: true}, // compared as text
		{expr: `{"Fn::Equals": [{Ref: Env}, prod]}`, want: false},

		{expr: `!Not [!Equals [a, b]]`, want: true},
		{expr: `!Not [!Condition IsTest]`, want: false},
		{expr: `{"Fn::Not": [{Condition: IsProd}]}`, want: true},

		{expr: `!And [!Condition IsTest, !Condition HasName]`, want: true},
		{expr: `!And [!Condition IsTest, !Condition IsProd]`, want: false},
		{expr: `{"Fn::And": [{Condition: HasName}, {"Fn::Equals": [x, x]}]}`, want: true},
		{expr: `!Or [!Condition IsProd, !Condition IsTest]`, want: true},
		{expr: `!Or [!Condition IsProd, !Equals [a, b]]`, want: false},
		{expr: `{"Fn::Or": [{Condition: IsProd}, {Condition: HasName}]}`, want: true},

		{expr: `!Join ["-", [a, !Ref Env, 3]]`, want: "a-test-3"},
		{expr: `!Join [",", []]`, want: ""},
		{expr: `{"Fn::Join": ["", [{Ref: "AWS::Partition"}, ":", {Ref: Name}]]}`, want: "aws:site"},
		{expr: `!Join ["/", !Split [".", a.b.c]]`, want: "a/b/c"},

		{expr: `!Select [1, [a, b, c]]`, want: "b"},
		{expr: `!Select [0, [!Ref Env]]`, want: "test"},
		{expr: `{"Fn::Select": ["1", {"Fn::Split": [",", "x,y"]}]}`, want: "y"},

		{expr: `!Split [",", "a,b,,c"]`, want: list{"a", "b", "", "c"}},
		{expr: `!Split ["-", !Sub "${Name}-${Env}"]`, want: list{"site", "test"}},
		{expr: `{"Fn::Split": [":", {Ref: "AWS::StackName"}]}`, want: list{"portal"}},

		{expr: `!FindInMap [Regions, !Ref AWS::Region, Ami]`, want: "ami-north"},
		{expr: `{"Fn::FindInMap": [Regions, eu-west-1, Ami]}`, want: "ami-west"},
		{expr: `!FindInMap [Regions, eu-north-1, Zones]`, want: 3}, // as the mapping has it

		{expr: `!Base64 "#!/bin/sh"`, want: "#!/bin/sh"}, // not encoded, as documented
		{expr: `{"Fn::Base64": {"Fn::Sub": "${Name}"}}`, want: "site"},

		// Maps and lists are evaluated all the way down.
		{expr: `{A: !Ref Env, B: [!Ref Name, {C: !GetAtt Bucket.Arn}]}`,
			want: obj{"A": "test", "B": list{"site", obj{"C": "getatt:Bucket.Arn"}}}},
		{expr: `[256, true, 1.5, text]`, want: list{256, true, 1.5, "text"}},
		{expr: `[a, !Ref AWS::NoValue, b]`, want: list{"a", "b"}},
		{expr: `{A: !If [IsProd, x, !Ref AWS::NoValue], B: y}`, want: obj{"B": "y"}},
		{expr: `{A: !If [IsTest, x, !Ref AWS::NoValue], B: y}`, want: obj{"A": "x", "B": "y"}},
		// Only a logical id (capitalised) is removed by its Condition.
		{expr: `{Gone: {Condition: IsProd}, kept: {Condition: IsProd}, Kept: {Condition: IsTest}}`,
			want: obj{"kept": obj{"Condition": "IsProd"}, "Kept": obj{"Condition": "IsTest"}}},
	}
	s := newStack(t, base, baseParams)
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, keep, err := eval(t, s, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if keep == tt.gone {
				t.Errorf("keep = %v, want %v", keep, !tt.gone)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestEvalErrors(t *testing.T) {
	tests := []struct{ expr, want string }{
		{`!Cidr [10.0.0.0/16, 2, 8]`, "Fn::Cidr: not implemented"},
		{`!GetAZs ""`, "Fn::GetAZs: not implemented"},
		{`{"Fn::Nothing": x}`, "Fn::Nothing: not implemented"},
		{`!Ref Nothing`, "!Ref Nothing: no such parameter or resource"},
		{`{Ref: Nothing}`, "!Ref Nothing: no such parameter or resource"},
		{`!GetAtt Nothing.Arn`, "no resource Nothing"},
		{`!GetAtt [Bucket]`, "Fn::GetAtt takes 2 arguments"},
		{`!Sub "${Nothing}"`, "!Sub ${Nothing}: !Ref Nothing: no such parameter or resource"},
		{`!Sub "${Nothing.Arn}"`, "!Sub ${Nothing.Arn}: no resource Nothing"},
		{`!Sub ["${A}", {A: !Ref Nothing}]`, "!Ref Nothing: no such parameter or resource"},
		{`!Sub {a: b}`, "!Sub of map"},
		{`!If [Missing, a, b]`, "no condition Missing"},
		{`!If [IsTest, a]`, "Fn::If takes 3 arguments"},
		{`!Equals [a]`, "Fn::Equals takes 2 arguments"},
		{`!Equals [[a], [a]]`, "a list where a string belongs"},
		{`!Not [abc]`, "is not a boolean"},
		{`!Not [!Condition Missing]`, "no condition Missing"},
		{`!And [!Condition IsTest, !Condition Missing]`, "no condition Missing"},
		{`!Or [!Condition IsProd, !Ref Nothing]`, "no such parameter or resource"},
		{`!Join ["-"]`, "Fn::Join takes 2 arguments"},
		{`!Select [3, [a, b]]`, "!Select 3 of"},
		{`!Select [x, [a]]`, `parsing "x"`},
		{`!Split [","]`, "Fn::Split takes 2 arguments"},
		{`!Split [",", [a]]`, "a list where a string belongs"},
		{`!FindInMap [Regions, eu-south-1, Ami]`, "!FindInMap [Regions eu-south-1 Ami]: not found"},
		{`!FindInMap [Regions, eu-north-1]`, "Fn::FindInMap takes 3 arguments"},
		// The error says where it is.
		{`{A: [x, !Ref Nothing]}`, "A: [1]: !Ref Nothing"},
	}
	s := newStack(t, base, baseParams)
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, _, err := eval(t, s, tt.expr)
			wantErr(t, err, tt.want)
		})
	}
}

const conditions = `
Parameters:
  Env: {Type: String, Default: test}
  Email: {Type: String, Default: ""}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  HasEmail: !Not [!Equals [!Ref Email, ""]]
  ProdWithEmail: !And [!Condition IsProd, !Condition HasEmail]
  ProdOrEmail: !Or [!Condition IsProd, !Condition HasEmail]
  NotProd: {"Fn::Not": [{Condition: IsProd}]}
  NotBoolean: !Ref Env
Resources: {}
`

func TestCondition(t *testing.T) {
	prod := map[string]string{"Env": "prod"}
	email := map[string]string{"Email": "a@b.example"}
	both := map[string]string{"Env": "prod", "Email": "a@b.example"}
	tests := []struct {
		name   string
		params map[string]string
		want   bool
	}{
		{"IsProd", nil, false},
		{"IsProd", prod, true},
		{"HasEmail", nil, false},
		{"HasEmail", email, true},
		{"ProdWithEmail", prod, false},
		{"ProdWithEmail", both, true},
		{"ProdOrEmail", nil, false},
		{"ProdOrEmail", email, true},
		{"ProdOrEmail", prod, true},
		{"NotProd", nil, true},
		{"NotProd", prod, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := newStack(t, conditions, tt.params).Condition(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Condition(%s) with %v = %v, want %v", tt.name, tt.params, got, tt.want)
			}
		})
	}

	errs := []struct{ name, want string }{
		{"Missing", "no condition Missing"},
		{"NotBoolean", "condition NotBoolean is string, not a boolean"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newStack(t, conditions, nil).Condition(tt.name)
			wantErr(t, err, tt.want)
		})
	}
}

// TestConditionalEval: Eval of a whole template drops what a false
// condition removes, and keeps a property named Condition that is a map.
func TestConditionalEval(t *testing.T) {
	const src = `
Parameters:
  Env: {Type: String, Default: test}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Always:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !If [IsProd, prod-topic, !Ref AWS::NoValue]
  ProdOnly:
    Type: AWS::SNS::Topic
    Condition: IsProd
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Statement:
        Condition:
          StringEquals: {"aws:SourceAccount": !Ref AWS::AccountId}
Outputs:
  ProdTopic:
    Condition: IsProd
    Value: !Ref ProdOnly
  Topic:
    Value: !Ref Always
`
	policy := obj{"Type": "AWS::IAM::ManagedPolicy", "Properties": obj{"Statement": obj{
		"Condition": obj{"StringEquals": obj{"aws:SourceAccount": "123456789012"}}}}}
	tests := []struct {
		env  string
		want obj
	}{
		{"test", obj{
			"Conditions": obj{"IsProd": false},
			"Resources": obj{
				"Always": obj{"Type": "AWS::SNS::Topic", "Properties": obj{}},
				"Policy": policy,
			},
			"Outputs": obj{"Topic": obj{"Value": "ref:Always"}},
		}},
		{"prod", obj{
			"Conditions": obj{"IsProd": true},
			"Resources": obj{
				"Always":   obj{"Type": "AWS::SNS::Topic", "Properties": obj{"TopicName": "prod-topic"}},
				"ProdOnly": obj{"Type": "AWS::SNS::Topic", "Condition": "IsProd"},
				"Policy":   policy,
			},
			"Outputs": obj{
				"ProdTopic": obj{"Condition": "IsProd", "Value": "ref:ProdOnly"},
				"Topic":     obj{"Value": "ref:Always"},
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			tpl := parse(t, src)
			s, err := New(tpl, map[string]string{"Env": tt.env})
			if err != nil {
				t.Fatal(err)
			}
			v, keep, err := s.Eval(tpl)
			if err != nil || !keep {
				t.Fatalf("Eval: %v, %v", keep, err)
			}
			got := v.(map[string]any)
			for _, k := range []string{"Conditions", "Resources", "Outputs"} {
				if !reflect.DeepEqual(got[k], tt.want[k]) {
					t.Errorf("%s\n got: %#v\nwant: %#v", k, got[k], tt.want[k])
				}
			}
		})
	}

	// A resource naming a condition that does not exist is an error, not
	// a resource kept or dropped by chance.
	tpl := parse(t, "Resources:\n  Topic: {Type: AWS::SNS::Topic, Condition: Missing}\n")
	s, err := New(tpl, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Eval(tpl)
	wantErr(t, err, "no condition Missing")
}

func TestNew(t *testing.T) {
	tests := []struct {
		name   string
		params string // the Parameters section, one parameter a line
		given  map[string]string
		want   string // Ref P, if New succeeds
		err    string // what New says, if it fails
	}{
		{name: "default", params: `P: {Type: String, Default: abc}`, want: "abc"},
		{name: "value over default", params: `P: {Type: String, Default: abc}`, given: map[string]string{"P": "xyz"}, want: "xyz"},
		{name: "number default", params: `P: {Type: Number, Default: 20}`, want: "20"},
		{name: "empty default", params: `P: {Type: String, Default: ""}`, want: ""},
		{name: "no default, no value", params: `P: {Type: String}`, err: "parameter P has no default and no value"},
		{name: "undeclared", params: `P: {Type: String, Default: a}`, given: map[string]string{"Q": "b"}, err: "no parameter Q"},

		{name: "allowed value", params: `P: {Type: String, AllowedValues: [a, b]}`, given: map[string]string{"P": "b"}, want: "b"},
		{name: "not allowed", params: `P: {Type: String, AllowedValues: [a, b]}`, given: map[string]string{"P": "c"}, err: `P: "c" is not an allowed value`},
		{name: "default not allowed", params: `P: {Type: String, Default: c, AllowedValues: [a, b]}`, err: `P: "c" is not an allowed value`},
		{name: "allowed number", params: `P: {Type: Number, AllowedValues: [1, 2]}`, given: map[string]string{"P": "2"}, want: "2"},

		{name: "pattern", params: `P: {Type: String, AllowedPattern: "[a-z]+"}`, given: map[string]string{"P": "abc"}, want: "abc"},
		{name: "pattern is the whole value", params: `P: {Type: String, AllowedPattern: "[a-z]+"}`, given: map[string]string{"P": "abc1"},
			err: `P: "abc1" does not match its AllowedPattern`},
		{name: "pattern alternatives are the whole value", params: `P: {Type: String, AllowedPattern: "a|b"}`, given: map[string]string{"P": "ab"},
			err: "does not match its AllowedPattern"},
		{name: "bad pattern", params: `P: {Type: String, AllowedPattern: "("}`, given: map[string]string{"P": "x"}, err: "P: AllowedPattern: error parsing regexp"},

		{name: "number", params: `P: {Type: Number}`, given: map[string]string{"P": "1.5"}, want: "1.5"},
		{name: "not a number", params: `P: {Type: Number}`, given: map[string]string{"P": "ten"}, err: `P: "ten" is not a number`},
		{name: "at MinValue", params: `P: {Type: Number, MinValue: 1, MaxValue: 10}`, given: map[string]string{"P": "1"}, want: "1"},
		{name: "at MaxValue", params: `P: {Type: Number, MinValue: 1, MaxValue: 10}`, given: map[string]string{"P": "10"}, want: "10"},
		{name: "below MinValue", params: `P: {Type: Number, MinValue: 1, MaxValue: 10}`, given: map[string]string{"P": "0"}, err: "P: 0 is below MinValue"},
		{name: "above MaxValue", params: `P: {Type: Number, MinValue: 1, MaxValue: 10}`, given: map[string]string{"P": "11"}, err: "P: 11 is above MaxValue"},
		{name: "MinValue is for numbers", params: `P: {Type: String, MinValue: 5}`, given: map[string]string{"P": "1"}, want: "1"},

		{name: "MinLength", params: `P: {Type: String, MinLength: 2}`, given: map[string]string{"P": "ab"}, want: "ab"},
		{name: "shorter than MinLength", params: `P: {Type: String, MinLength: 2}`, given: map[string]string{"P": "a"}, err: `P: "a" is shorter than MinLength`},

		// Every problem at once, so one run shows them all.
		{name: "all problems", params: "P: {Type: String}\nQ: {Type: Number, Default: x}", err: "Q: \"x\" is not a number"},
		{name: "all problems, the other", params: "P: {Type: String}\nQ: {Type: Number, Default: x}", err: "parameter P has no default and no value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "Parameters:\n  " + strings.ReplaceAll(tt.params, "\n", "\n  ") + "\nResources: {}\n"
			s, err := New(parse(t, src), tt.given)
			if tt.err != "" {
				wantErr(t, err, tt.err)
				if s != nil {
					t.Errorf("New returned a stack with the error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := s.Eval(obj{"Ref": "P"})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Ref P = %#v, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckReferences(t *testing.T) {
	const src = `
Parameters:
  Env: {Type: String, Default: test}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Topic: `
	tests := []struct {
		name  string
		topic string   // the Topic resource
		want  []string // what CheckReferences says; none: nothing
	}{
		{"all found", `{Type: T, Condition: IsProd, DependsOn: [Bucket], Properties: {
			A: !Ref Env, B: !Ref Bucket, C: !Ref AWS::Region, D: !Ref AWS::NoValue, E: !GetAtt Bucket.Arn,
			F: !Sub "${Env}${Bucket}${Bucket.Arn}${AWS::StackName}${!Literal}",
			G: !Sub ["${V}", {V: x}], H: !If [IsProd, a, b], I: !And [!Condition IsProd, !Condition IsProd]}}`, nil},
		{"DependsOn one", `{Type: T, DependsOn: Bucket}`, nil},

		{"Ref", `{Type: T, Properties: {A: !Ref Nothing}}`, []string{".Resources.Topic.Properties.A: !Ref Nothing names nothing"}},
		{"Ref in a branch not taken", `{Type: T, Properties: {A: !If [IsProd, !Ref Nothing, x]}}`, []string{"!Ref Nothing names nothing"}},
		{"Ref in a resource not deployed", `{Type: T, Condition: IsProd, Properties: {A: !Ref Nothing}}`, []string{"!Ref Nothing names nothing"}},
		{"GetAtt", `{Type: T, Properties: {A: !GetAtt Nothing.Arn}}`, []string{"!GetAtt [Nothing Arn] names no resource"}},
		{"Sub name", `{Type: T, Properties: {A: !Sub "${Nothing}"}}`, []string{"!Sub ${Nothing} names nothing"}},
		{"Sub attribute", `{Type: T, Properties: {A: !Sub "${Nothing.Arn}"}}`, []string{"!Sub ${Nothing.Arn} names no resource"}},
		{"Sub variable missing", `{Type: T, Properties: {A: !Sub ["${V}-${W}", {V: x}]}}`, []string{"!Sub ${W} names nothing"}},
		{"If condition", `{Type: T, Properties: {A: !If [Missing, a, b]}}`, []string{"!If Missing: no such condition"}},
		{"If arguments", `{Type: T, Properties: {A: !If [IsProd, a]}}`, []string{"!If takes 3 arguments"}},
		{"DependsOn", `{Type: T, DependsOn: Nothing}`, []string{"DependsOn Nothing names no resource"}},
		{"DependsOn list", `{Type: T, DependsOn: [Bucket, Nothing]}`, []string{"DependsOn Nothing names no resource"}},
		{"Condition", `{Type: T, Condition: Missing}`, []string{"no condition Missing"}},
		{"Condition operand", `{Type: T, Properties: {A: !And [!Condition IsProd, !Condition Missing]}}`, []string{"no condition Missing"}},
		{"every problem", `{Type: T, DependsOn: Nothing, Properties: {A: !Ref Nowhere}}`,
			[]string{"DependsOn Nothing names no resource", "!Ref Nowhere names nothing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl := parse(t, src+tt.topic)
			s, err := New(tpl, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = s.CheckReferences(tpl)
			if tt.want == nil {
				if err != nil {
					t.Errorf("CheckReferences: %v, want nothing", err)
				}
				return
			}
			for _, want := range tt.want {
				wantErr(t, err, want)
			}
		})
	}
}
