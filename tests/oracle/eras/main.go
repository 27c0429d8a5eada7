// regresolve-oracle-<era>: one binary per containers/image behaviour era, built by build.sh from
// Debian packages. It answers JSON lines (one request object per line on stdin, one answer
// object per line on stdout) about reference parsing, TOML decoding, registries.conf loading,
// pull plans, short-name resolution and credential lookup, using only the public API of the
// library, so the same source builds against containers/image 5.23 … 5.41. See PROTOCOL.md.
//
// The import paths below are the github.com/containers/image/v5 ones; build.sh rewrites them to
// go.podman.io/image/v5 for the eras whose Debian package uses the new module path (5.38+).
// What exists only in some versions lives in the feature_*.go files, selected by build tags.
package main

import (
	"bufio"
	"bytes"
	_ "crypto/sha256" // go-digest accepts only algorithms whose hash is linked in
	_ "crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/containers/image/v5/docker/reference"
	"github.com/containers/image/v5/pkg/shortnames"
	"github.com/containers/image/v5/pkg/sysregistriesv2"
	"github.com/containers/image/v5/types"
	"github.com/containers/image/v5/version"
)

// eraName is set at link time (-X main.eraName=5.23).
var eraName = "unknown"

// features lists the optional parts compiled in; each feature_*.go file adds its name.
var features []string

// ---------------------------------------------------------------------------- private root

// childRootEnv carries R from the long-running process to a one-request child (see runChild).
const childRootEnv = "_REGRESOLVE_ERA_ORACLE_ROOT"

const defaultHome = "/home/user"
const defaultUserAliasCache = "/var/cache/containers/short-name-aliases.conf"

var root string // R: every virtual path lives under it; R is removed from every answer

// envAllowed are the variables a request may set (values starting with "/" are virtual paths).
var envAllowed = map[string]bool{
	"XDG_CONFIG_HOME":                     true,
	"XDG_CACHE_HOME":                      true,
	"XDG_RUNTIME_DIR":                     true,
	"CONTAINERS_REGISTRIES_CONF":          true,
	"CONTAINERS_REGISTRIES_CONF_OVERRIDE": true,
	"REGISTRIES_CONFIG_PATH":              true,
	"_CONTAINERS_ROOTLESS_UID":            true,
	"_CONTAINERS_USERNS_CONFIGURED":       true,
	"DOCKER_CONFIG":                       true,
	"REGISTRY_AUTH_FILE":                  true,
}

// scrubEnvironment removes every variable a request may set, so that the host's settings never
// leak into an answer.
func scrubEnvironment() {
	for k := range envAllowed {
		os.Unsetenv(k)
	}
}

func newRoot() error {
	dir, err := os.MkdirTemp("", "regresolve-era-oracle-")
	if err != nil {
		return err
	}
	if dir, err = filepath.EvalSymlinks(dir); err != nil {
		return err
	}
	root = dir
	// containers/storage (before 1.64) caches the home directory the first time it is asked.
	if err := os.Setenv("HOME", root+defaultHome); err != nil {
		return err
	}
	scrubEnvironment()
	return nil
}

func wipeRoot() error {
	entries, err := os.ReadDir(root)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(root, e.Name())); err != nil {
			return err
		}
	}
	return os.MkdirAll(root+defaultHome, 0o755)
}

// underRoot maps a virtual absolute path to R + path, verbatim (the library quotes its inputs).
func underRoot(virtual string) (string, error) {
	if !strings.HasPrefix(virtual, "/") {
		return "", fmt.Errorf("virtual path %q does not start with /", virtual)
	}
	for _, part := range strings.Split(virtual, "/") {
		if part == ".." {
			return "", fmt.Errorf("virtual path %q contains ..", virtual)
		}
	}
	return root + virtual, nil
}

// ---------------------------------------------------------------------------- requests

type request struct {
	Op    string  `json:"op"`
	Input *string `json:"input"`

	Files                        map[string]*string `json:"files"`
	FilesB64                     map[string]string  `json:"files_b64"`
	Symlinks                     map[string]string  `json:"symlinks"`
	SystemRegistriesConfPath     *string            `json:"system_registries_conf_path"`
	SystemRegistriesConfDirPath  *string            `json:"system_registries_conf_dir_path"`
	RootForImplicitAbsolutePaths *string            `json:"root_for_implicit_absolute_paths"`
	UserAliasCache               *string            `json:"user_alias_cache"`
	ShortNameMode                json.RawMessage    `json:"short_name_mode"`
	Home                         *string            `json:"home"`
	Env                          map[string]*string `json:"env"`
	AuthFilePath                 *string            `json:"auth_file_path"`
	LegacyAuthFilePath           *string            `json:"legacy_auth_file_path"`
	DockerCompatAuthFilePath     *string            `json:"docker_compat_auth_file_path"`

	Refs           []string `json:"refs"`
	ShortNames     []string `json:"short_names"`
	LocalNames     []string `json:"local_names"`
	AliasNames     []string `json:"alias_names"`
	Find           []string `json:"find"`
	Credentials    []string `json:"credentials"`
	CredentialKeys []string `json:"credential_keys"`

	DataB64  *string  `json:"data_b64"`
	BatchB64 []string `json:"batch_b64"`
}

// ---------------------------------------------------------------------------- answers

type refObject struct {
	String         string  `json:"string"`
	Name           string  `json:"name"`
	Domain         string  `json:"domain"`
	Path           string  `json:"path"`
	Tag            *string `json:"tag"`
	Digest         *string `json:"digest"`
	FamiliarName   string  `json:"familiar_name"`
	FamiliarString string  `json:"familiar_string"`
	Tagged         string  `json:"tagged"`
}

type parseAnswer struct {
	Normalized      *refObject        `json:"normalized"`
	NormalizedError *string           `json:"normalized_error"`
	Named           *refObject        `json:"named"`
	NamedError      *string           `json:"named_error"`
	Any             map[string]string `json:"any"`
	AnyError        *string           `json:"any_error"`
	Short           bool              `json:"short"`
	ShortError      *string           `json:"short_error"`
}

type mirrorObject struct {
	Location       string  `json:"location"`
	Insecure       bool    `json:"insecure"`
	PullFromMirror string  `json:"pull_from_mirror"`
	NamespaceProxy *string `json:"namespace_proxy,omitempty"`
}

type registryObject struct {
	Prefix             string         `json:"prefix"`
	Location           string         `json:"location"`
	Insecure           bool           `json:"insecure"`
	Blocked            bool           `json:"blocked"`
	MirrorByDigestOnly bool           `json:"mirror_by_digest_only"`
	NamespaceProxy     *string        `json:"namespace_proxy,omitempty"`
	Mirrors            []mirrorObject `json:"mirrors"`
}

type configObject struct {
	Registries                        []registryObject `json:"registries"`
	UnqualifiedSearchRegistries       []string         `json:"unqualified_search_registries"`
	UnqualifiedSearchRegistriesOrigin string           `json:"unqualified_search_registries_origin"`
	ShortNameMode                     *string          `json:"short_name_mode"`
	ShortNameModeError                *string          `json:"short_name_mode_error"`
	CredentialHelpers                 []string         `json:"credential_helpers"`
	AdditionalLayerStoreAuthHelper    *string          `json:"additional_layer_store_auth_helper"`
}

type sourceObject struct {
	Reference      string  `json:"reference"`
	Location       string  `json:"location"`
	Insecure       bool    `json:"insecure"`
	Mirror         bool    `json:"mirror"`
	PullFromMirror string  `json:"pull_from_mirror"`
	NamespaceProxy *string `json:"namespace_proxy,omitempty"`
	BlockedError   *string `json:"blocked_error"`
}

type planObject struct {
	Input     string          `json:"input"`
	Error     *string         `json:"error"`
	Reference *string         `json:"reference"`
	Registry  *registryObject `json:"registry"`
	Sources   []sourceObject  `json:"sources"`
}

type candidateObject struct {
	Value       string `json:"value"`
	Description string `json:"description"`
}

type shortNameObject struct {
	Input      string            `json:"input"`
	Error      *string           `json:"error"`
	Candidates []candidateObject `json:"candidates"`
}

type localNameObject struct {
	Input      string   `json:"input"`
	Error      *string  `json:"error"`
	Candidates []string `json:"candidates"`
}

type findObject struct {
	Input    string          `json:"input"`
	Error    *string         `json:"error"`
	Registry *registryObject `json:"registry"`
}

type aliasObject struct {
	Value  *string `json:"value"`
	Origin string  `json:"origin"`
	Error  *string `json:"error"`
}

type credentialObject struct {
	Input         string  `json:"input"`
	Error         *string `json:"error"`
	Username      string  `json:"username"`
	Password      string  `json:"password"`
	IdentityToken string  `json:"identity_token"`
}

type configAnswer struct {
	Error                   *string                `json:"error"`
	ConfigPath              string                 `json:"config_path"`
	ConfigDirPath           string                 `json:"config_dir_path"`
	ConfigSourceDescription string                 `json:"config_source_description"`
	Config                  *configObject          `json:"config"`
	Plans                   []planObject           `json:"plans"`
	ShortNames              []shortNameObject      `json:"short_names"`
	LocalNames              []localNameObject      `json:"local_names"`
	Find                    []findObject           `json:"find"`
	Aliases                 map[string]aliasObject `json:"aliases"`
	Credentials             []credentialObject     `json:"credentials"`
	CredentialKeys          []credentialObject     `json:"credential_keys"`
}

func errText(err error) *string {
	if err == nil {
		return nil
	}
	s := err.Error()
	return &s
}

func strp(s string) *string { return &s }

func describeRef(r reference.Named) *refObject {
	o := &refObject{
		String:         r.String(),
		Name:           r.Name(),
		Domain:         reference.Domain(r),
		Path:           reference.Path(r),
		FamiliarName:   reference.FamiliarName(r),
		FamiliarString: reference.FamiliarString(r),
		Tagged:         reference.TagNameOnly(r).String(),
	}
	if t, ok := r.(reference.NamedTagged); ok {
		o.Tag = strp(t.Tag())
	}
	if d, ok := r.(reference.Digested); ok {
		o.Digest = strp(d.Digest().String())
	}
	return o
}

func describeRegistry(r *sysregistriesv2.Registry) *registryObject {
	if r == nil {
		return nil
	}
	o := &registryObject{
		Prefix:             r.Prefix,
		Location:           r.Location,
		Insecure:           r.Insecure,
		Blocked:            r.Blocked,
		MirrorByDigestOnly: r.MirrorByDigestOnly,
		NamespaceProxy:     namespaceProxy(&r.Endpoint),
		Mirrors:            []mirrorObject{},
	}
	for i := range r.Mirrors {
		m := &r.Mirrors[i]
		o.Mirrors = append(o.Mirrors, mirrorObject{
			Location:       m.Location,
			Insecure:       m.Insecure,
			PullFromMirror: m.PullFromMirror,
			NamespaceProxy: namespaceProxy(m),
		})
	}
	return o
}

func modeName(m types.ShortNameMode) string {
	switch m {
	case types.ShortNameModeDisabled:
		return "disabled"
	case types.ShortNameModePermissive:
		return "permissive"
	case types.ShortNameModeEnforcing:
		return "enforcing"
	}
	return fmt.Sprintf("%d", int(m))
}

// ---------------------------------------------------------------------------- op: parse

func baseSystemContext() *types.SystemContext {
	return &types.SystemContext{
		RootForImplicitAbsolutePaths: root,
		UserShortNameAliasConfPath:   root + defaultUserAliasCache,
	}
}

func opParse(req *request) (any, error) {
	if req.Input == nil {
		return nil, errors.New(`parse: missing "input"`)
	}
	s := *req.Input
	var a parseAnswer
	if n, err := reference.ParseNormalizedNamed(s); err == nil {
		a.Normalized = describeRef(n)
	} else {
		a.NormalizedError = errText(err)
	}
	if n, err := reference.ParseNamed(s); err == nil {
		a.Named = describeRef(n)
	} else {
		a.NamedError = errText(err)
	}
	if r, err := reference.ParseAnyReference(s); err == nil {
		a.Any = map[string]string{"string": r.String()}
	} else {
		a.AnyError = errText(err)
	}
	a.Short = shortnames.IsShortName(s)
	if !a.Short {
		// For input that is not a short name, ResolveLocally fails with the very parse error
		// IsShortName discards, before it reads any configuration.
		sysregistriesv2.InvalidateCache()
		if _, err := shortnames.ResolveLocally(baseSystemContext(), s); err != nil {
			a.ShortError = errText(err)
		}
	}
	return a, nil
}

// ---------------------------------------------------------------------------- op: config

// layOut empties R and writes the request's files, directories and symlinks under it.
func layOut(req *request) error {
	if err := wipeRoot(); err != nil {
		return fmt.Errorf("wiping the private root: %w", err)
	}
	contents := map[string]*[]byte{}
	for p, text := range req.Files {
		if text == nil {
			contents[p] = nil
			continue
		}
		b := []byte(*text)
		contents[p] = &b
	}
	for p, enc := range req.FilesB64 {
		if _, dup := contents[p]; dup {
			return fmt.Errorf("path %q is in both files and files_b64", p)
		}
		b, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return fmt.Errorf("files_b64[%q]: %w", p, err)
		}
		contents[p] = &b
	}
	paths := make([]string, 0, len(contents))
	for p := range contents {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		rp, err := underRoot(p)
		if err != nil {
			return err
		}
		if contents[p] == nil {
			if err := os.MkdirAll(rp, 0o755); err != nil {
				return fmt.Errorf("creating directory %q: %w", p, err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(rp), 0o755); err != nil {
			return fmt.Errorf("creating the parent of %q: %w", p, err)
		}
		if err := os.WriteFile(rp, *contents[p], 0o644); err != nil {
			return fmt.Errorf("writing %q: %w", p, err)
		}
	}
	links := make([]string, 0, len(req.Symlinks))
	for p := range req.Symlinks {
		links = append(links, p)
	}
	sort.Strings(links)
	for _, p := range links {
		rp, err := underRoot(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(rp), 0o755); err != nil {
			return fmt.Errorf("creating the parent of %q: %w", p, err)
		}
		target := req.Symlinks[p]
		if strings.HasPrefix(target, "/") {
			if target, err = underRoot(target); err != nil {
				return err
			}
		}
		if err := os.Symlink(target, rp); err != nil {
			return fmt.Errorf("creating symlink %q: %w", p, err)
		}
	}
	return nil
}

func optionalPath(p *string, set func(string) error) error {
	if p == nil {
		return nil
	}
	rp, err := underRoot(*p)
	if err != nil {
		return err
	}
	return set(rp)
}

func parseModeOverride(raw json.RawMessage) (*types.ShortNameMode, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var name string
	if err := json.Unmarshal(raw, &name); err == nil {
		var m types.ShortNameMode
		switch name {
		case "disabled":
			m = types.ShortNameModeDisabled
		case "permissive":
			m = types.ShortNameModePermissive
		case "enforcing":
			m = types.ShortNameModeEnforcing
		default:
			return nil, fmt.Errorf("unknown short_name_mode %q", name)
		}
		return &m, nil
	}
	var num int
	if err := json.Unmarshal(raw, &num); err == nil {
		m := types.ShortNameMode(num) // raw value: reaches "unsupported short-name mode (N)"
		return &m, nil
	}
	return nil, errors.New("short_name_mode must be a string, an integer or null")
}

// systemContext builds the SystemContext of a config request (after layOut).
func systemContext(req *request) (*types.SystemContext, error) {
	sys := baseSystemContext()
	steps := []struct {
		p   *string
		set func(string) error
	}{
		{req.SystemRegistriesConfPath, func(s string) error { sys.SystemRegistriesConfPath = s; return nil }},
		{req.SystemRegistriesConfDirPath, func(s string) error { sys.SystemRegistriesConfDirPath = s; return nil }},
		{req.RootForImplicitAbsolutePaths, func(s string) error { sys.RootForImplicitAbsolutePaths = s; return nil }},
		{req.UserAliasCache, func(s string) error { sys.UserShortNameAliasConfPath = s; return nil }},
		{req.AuthFilePath, func(s string) error { sys.AuthFilePath = s; return nil }},
		{req.LegacyAuthFilePath, func(s string) error { sys.LegacyFormatAuthFilePath = s; return nil }},
		{req.DockerCompatAuthFilePath, func(s string) error { return setDockerCompatAuthFilePath(sys, s) }},
	}
	for _, st := range steps {
		if err := optionalPath(st.p, st.set); err != nil {
			return nil, err
		}
	}
	mode, err := parseModeOverride(req.ShortNameMode)
	if err != nil {
		return nil, err
	}
	sys.ShortNameMode = mode
	return sys, nil
}

const bothTagAndDigest = "Docker references with both a tag and digest are currently not supported"

// plan is what the docker transport does with a reference before it opens a connection.
func plan(sys *types.SystemContext, input string) planObject {
	p := planObject{Input: input, Sources: []sourceObject{}}
	named, err := reference.ParseNormalizedNamed(input)
	if err != nil {
		p.Error = errText(err)
		return p
	}
	ref := reference.TagNameOnly(named)
	p.Reference = strp(ref.String())
	_, tagged := ref.(reference.NamedTagged)
	_, digested := ref.(reference.Canonical)
	if tagged && digested {
		p.Error = strp(bothTagAndDigest)
		return p
	}
	reg, err := sysregistriesv2.FindRegistry(sys, ref.Name())
	if err != nil {
		p.Error = errText(err)
		return p
	}
	p.Registry = describeRegistry(reg)
	if reg == nil {
		reg = &sysregistriesv2.Registry{
			Prefix:   ref.String(),
			Endpoint: sysregistriesv2.Endpoint{Location: ref.String()},
		}
	}
	srcs, err := reg.PullSourcesFromReference(ref)
	if err != nil {
		p.Error = errText(err)
		return p
	}
	for i := range srcs {
		s := &srcs[i]
		o := sourceObject{
			Reference:      s.Reference.String(),
			Location:       s.Endpoint.Location,
			Insecure:       s.Endpoint.Insecure,
			Mirror:         i < len(srcs)-1,
			PullFromMirror: s.Endpoint.PullFromMirror,
			NamespaceProxy: namespaceProxy(&s.Endpoint),
		}
		phys, err := sysregistriesv2.FindRegistry(sys, s.Reference.Name())
		if err != nil {
			o.BlockedError = strp("loading registries: " + err.Error())
		} else if phys != nil && phys.Blocked {
			o.BlockedError = strp(blockedMessage(sys, phys.Prefix))
		}
		p.Sources = append(p.Sources, o)
	}
	return p
}

func describeConfig(sys *types.SystemContext, regs []sysregistriesv2.Registry) (*configObject, error) {
	c := &configObject{Registries: []registryObject{}}
	for i := range regs {
		c.Registries = append(c.Registries, *describeRegistry(&regs[i]))
	}
	var err error
	c.UnqualifiedSearchRegistries, c.UnqualifiedSearchRegistriesOrigin, err =
		sysregistriesv2.UnqualifiedSearchRegistriesWithOrigin(sys)
	if err != nil {
		return nil, fmt.Errorf("UnqualifiedSearchRegistriesWithOrigin after a successful load: %w", err)
	}
	if m, err := sysregistriesv2.GetShortNameMode(sys); err != nil {
		c.ShortNameModeError = errText(err)
	} else {
		c.ShortNameMode = strp(modeName(m))
	}
	if c.CredentialHelpers, err = sysregistriesv2.CredentialHelpers(sys); err != nil {
		return nil, fmt.Errorf("CredentialHelpers after a successful load: %w", err)
	}
	if c.AdditionalLayerStoreAuthHelper, err = additionalLayerStoreAuthHelper(sys); err != nil {
		return nil, fmt.Errorf("AdditionalLayerStoreAuthHelper after a successful load: %w", err)
	}
	return c, nil
}

func resolveAlias(sys *types.SystemContext, name string) aliasObject {
	var o aliasObject
	v, origin, err := sysregistriesv2.ResolveShortNameAlias(sys, name)
	if err != nil {
		o.Error = errText(err)
		return o
	}
	o.Origin = origin
	if v != nil {
		o.Value = strp(v.String())
	}
	return o
}

func opConfig(req *request) (any, error) {
	if err := layOut(req); err != nil {
		return nil, err
	}
	sys, err := systemContext(req)
	if err != nil {
		return nil, err
	}
	sysregistriesv2.InvalidateCache()
	a := configAnswer{
		Plans:          []planObject{},
		ShortNames:     []shortNameObject{},
		LocalNames:     []localNameObject{},
		Find:           []findObject{},
		Aliases:        map[string]aliasObject{},
		Credentials:    []credentialObject{},
		CredentialKeys: []credentialObject{},
	}
	regs, err := sysregistriesv2.GetRegistries(sys)
	a.Error = errText(err)
	a.ConfigPath = sysregistriesv2.ConfigPath(sys)
	a.ConfigDirPath = sysregistriesv2.ConfigDirPath(sys)
	a.ConfigSourceDescription = sysregistriesv2.ConfigurationSourceDescription(sys)
	if err == nil {
		if a.Config, err = describeConfig(sys, regs); err != nil {
			return nil, err
		}
	}
	for _, r := range req.Refs {
		a.Plans = append(a.Plans, plan(sys, r))
	}
	for _, n := range req.ShortNames {
		o := shortNameObject{Input: n, Candidates: []candidateObject{}}
		if res, err := shortnames.Resolve(sys, n); err != nil {
			o.Error = errText(err)
		} else {
			d := res.Description()
			for _, c := range res.PullCandidates {
				o.Candidates = append(o.Candidates, candidateObject{Value: c.Value.String(), Description: d})
			}
		}
		a.ShortNames = append(a.ShortNames, o)
		a.Aliases[n] = resolveAlias(sys, n)
	}
	for _, n := range req.AliasNames {
		a.Aliases[n] = resolveAlias(sys, n)
	}
	for _, n := range req.LocalNames {
		o := localNameObject{Input: n, Candidates: []string{}}
		if res, err := shortnames.ResolveLocally(sys, n); err != nil {
			o.Error = errText(err)
		} else {
			for _, c := range res {
				o.Candidates = append(o.Candidates, c.String())
			}
		}
		a.LocalNames = append(a.LocalNames, o)
	}
	for _, s := range req.Find {
		o := findObject{Input: s}
		if r, err := sysregistriesv2.FindRegistry(sys, s); err != nil {
			o.Error = errText(err)
		} else {
			o.Registry = describeRegistry(r)
		}
		a.Find = append(a.Find, o)
	}
	for _, s := range req.Credentials {
		o := credentialObject{Input: s}
		if named, err := reference.ParseNormalizedNamed(s); err != nil {
			o.Error = errText(err)
		} else {
			o.fill(credentialsForRef(sys, named))
		}
		a.Credentials = append(a.Credentials, o)
	}
	for _, k := range req.CredentialKeys {
		o := credentialObject{Input: k}
		o.fill(credentialsForKey(sys, k))
		a.CredentialKeys = append(a.CredentialKeys, o)
	}
	return a, nil
}

func (o *credentialObject) fill(c types.DockerAuthConfig, err error) {
	if err != nil {
		o.Error = errText(err)
		return
	}
	o.Username, o.Password, o.IdentityToken = c.Username, c.Password, c.IdentityToken
}

// ---------------------------------------------------------------------------- op: toml
//
// toml.Decode into a map[string]any with the BurntSushi/toml version this era is built with:
// the error with its line and last key, or the value with every node tagged by its Go type.

type tomlAnswer struct {
	Error   *string `json:"error"`
	Line    *int    `json:"line"`
	LastKey *string `json:"last_key"`
	Value   any     `json:"value"`
}

func tagged(v any) any {
	switch x := v.(type) {
	case string:
		return map[string]any{"string": x}
	case int64:
		return map[string]any{"int64": strconv.FormatInt(x, 10)}
	case float64:
		text := strconv.FormatFloat(x, 'g', -1, 64)
		if math.IsNaN(x) && math.Signbit(x) {
			text = "-NaN" // FormatFloat loses the sign of a NaN
		}
		return map[string]any{"float64": text}
	case bool:
		return map[string]any{"bool": x}
	case time.Time:
		_, offset := x.Zone()
		return map[string]any{"time.Time": map[string]any{
			"location":    x.Location().String(),
			"offset":      offset,
			"rfc3339nano": x.Format(time.RFC3339Nano),
			"wall":        x.Format("2006-01-02T15:04:05.000000000"),
		}}
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			out = append(out, tagged(e))
		}
		return map[string]any{"[]any": out}
	case []map[string]any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			out = append(out, taggedTable(e))
		}
		return map[string]any{"[]map[string]any": out}
	case map[string]any:
		return taggedTable(x)
	}
	return map[string]any{"unknown": fmt.Sprintf("%T", v)}
}

func taggedTable(m map[string]any) any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = tagged(v)
	}
	return map[string]any{"map[string]any": out}
}

func decodeTOML(data []byte) tomlAnswer {
	var m map[string]any
	if _, err := toml.Decode(string(data), &m); err != nil {
		a := tomlAnswer{Error: errText(err)}
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line, last := pe.Position.Line, pe.LastKey
			a.Line, a.LastKey = &line, &last
		}
		return a
	}
	if m == nil {
		m = map[string]any{}
	}
	return tomlAnswer{Value: taggedTable(m)}
}

func opTOML(req *request) (any, error) {
	if (req.DataB64 == nil) == (req.BatchB64 == nil) {
		return nil, errors.New(`toml: exactly one of "data_b64" and "batch_b64" is required`)
	}
	if req.DataB64 != nil {
		data, err := base64.StdEncoding.DecodeString(*req.DataB64)
		if err != nil {
			return nil, fmt.Errorf("data_b64: %w", err)
		}
		return decodeTOML(data), nil
	}
	results := make([]tomlAnswer, 0, len(req.BatchB64))
	for i, enc := range req.BatchB64 {
		data, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return nil, fmt.Errorf("batch_b64[%d]: %w", i, err)
		}
		results = append(results, decodeTOML(data))
	}
	return map[string]any{"results": results}, nil
}

// ---------------------------------------------------------------------------- child processes

// needsChild: the request changes the process environment (HOME, XDG_*, CONTAINERS_*), which
// the library reads (and, in older storage versions, caches) per process. Such a request is
// answered by a fresh copy of this program started with that environment.
func needsChild(req *request) bool {
	return req.Home != nil || len(req.Env) > 0
}

func childEnvironment(req *request) ([]string, error) {
	vars := map[string]*string{}
	home := defaultHome
	if req.Home != nil {
		home = *req.Home
	}
	rh, err := underRoot(home)
	if err != nil {
		return nil, fmt.Errorf("home: %w", err)
	}
	vars["HOME"] = &rh
	for k, v := range req.Env {
		if !envAllowed[k] {
			return nil, fmt.Errorf("env: variable %q cannot be set (allowed: see PROTOCOL.md)", k)
		}
		if v == nil {
			vars[k] = nil
			continue
		}
		val := *v
		if strings.HasPrefix(val, "/") {
			if val, err = underRoot(val); err != nil {
				return nil, fmt.Errorf("env %s: %w", k, err)
			}
		}
		vars[k] = &val
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, overridden := vars[k]; overridden || k == childRootEnv {
			continue
		}
		env = append(env, kv)
	}
	for k, v := range vars {
		if v != nil {
			env = append(env, k+"="+*v)
		}
	}
	return append(env, childRootEnv+"="+root), nil
}

func runChild(line []byte, req *request) (any, error) {
	env, err := childEnvironment(req)
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = env
	cmd.Stdin = bytes.NewReader(append(bytes.TrimSpace(line), '\n'))
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("child process: %v; stderr: %s", err, stderr.String())
	}
	answer := bytes.TrimSpace(out.Bytes())
	if len(answer) == 0 || bytes.ContainsRune(answer, '\n') {
		return nil, fmt.Errorf("child process: expected one answer line, got %q; stderr: %s", answer, stderr.String())
	}
	return json.RawMessage(answer), nil
}

// ---------------------------------------------------------------------------- main loop

func handle(line []byte, isChild bool) (ans any) {
	defer func() {
		if p := recover(); p != nil {
			ans = map[string]string{"fatal": fmt.Sprintf("panic: %v\n%s", p, debug.Stack())}
		}
	}()
	var req request
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return map[string]string{"fatal": "bad request: " + err.Error()}
	}
	var res any
	var err error
	switch req.Op {
	case "version":
		fs := append([]string{}, features...)
		sort.Strings(fs)
		res = map[string]any{
			"containers_image": version.Version, "go": runtime.Version(),
			"era": eraName, "features": fs,
		}
	case "parse":
		res, err = opParse(&req)
	case "toml":
		res, err = opTOML(&req)
	case "config":
		if !isChild && needsChild(&req) {
			res, err = runChild(line, &req)
		} else {
			res, err = opConfig(&req)
		}
	default:
		err = fmt.Errorf("unknown op %q", req.Op)
	}
	if err != nil {
		return map[string]string{"fatal": err.Error()}
	}
	return res
}

func serve(in io.Reader, out io.Writer, isChild bool) {
	r := bufio.NewReaderSize(in, 1<<20)
	w := bufio.NewWriterSize(out, 1<<20)
	rootBytes := []byte(root)
	for {
		line, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if e := enc.Encode(handle(line, isChild)); e != nil {
				buf.Reset()
				enc.Encode(map[string]string{"fatal": "encoding the answer: " + e.Error()})
			}
			w.Write(bytes.ReplaceAll(buf.Bytes(), rootBytes, nil))
			if w.Flush() != nil {
				return
			}
			if isChild {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				fmt.Fprintln(os.Stderr, "regresolve-era-oracle: reading stdin:", err)
			}
			return
		}
	}
}

func main() {
	// Requests and answers travel over the original stdin/stdout; os.Stdin and os.Stdout are
	// /dev/null, so the library never sees a terminal (shortnames.Resolve takes its "no TTY"
	// branch) and cannot write into the answer stream.
	in, out := os.Stdin, os.Stdout
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "regresolve-era-oracle:", err)
		os.Exit(2)
	}
	os.Stdin, os.Stdout = devnull, devnull

	if r := os.Getenv(childRootEnv); r != "" {
		// A one-request child: R belongs to the parent; HOME and the rest come from it too.
		root = r
		os.Unsetenv(childRootEnv)
		serve(in, out, true)
		return
	}
	if err := newRoot(); err != nil {
		fmt.Fprintln(os.Stderr, "regresolve-era-oracle: private root:", err)
		os.Exit(2)
	}
	defer os.RemoveAll(root)
	if err := wipeRoot(); err != nil {
		fmt.Fprintln(os.Stderr, "regresolve-era-oracle: private root:", err)
		os.Exit(2)
	}
	serve(in, out, false)
}
