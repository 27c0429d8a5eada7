// regresolve-oracle: answers questions about containers/image 5.34.2 behaviour, one JSON
// object per line on stdin -> one JSON object per line on stdout. See PROTOCOL.md.
//
// Built by build.sh in GOPATH mode against the Debian trixie sources; not a Go module.
package main

import (
	"bufio"
	"bytes"
	_ "crypto/sha256" // go-digest only accepts algorithms whose hash is linked in
	_ "crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"
	"unsafe" // go:linkname, and reading toml.MetaData's key positions

	"github.com/BurntSushi/toml"
	"github.com/containers/image/v5/docker/reference"
	"github.com/containers/image/v5/pkg/shortnames"
	"github.com/containers/image/v5/pkg/sysregistriesv2"
	"github.com/containers/image/v5/types"
	"github.com/containers/image/v5/version"
)

// ---------------------------------------------------------------- merged aliases
//
// The merged [aliases] table of registries.conf lives only in an unexported structure
// (V2RegistriesConf.Aliases is set to nil once a file is loaded). We reach it through the
// package's own getConfig, with a struct declared with the same layout as the 5.34.2
// parsedConfig; aliasesOf() cross-checks the layout against public getters before trusting it.

type mirrorAlias struct {
	value        reference.Named
	configOrigin string
}

type mirrorAliasCache struct {
	namedAliases map[string]mirrorAlias
}

type mirrorParsedConfig struct {
	partialV2                         sysregistriesv2.V2RegistriesConf
	unqualifiedSearchRegistriesOrigin string
	shortNameMode                     types.ShortNameMode
	aliasCache                        *mirrorAliasCache
}

//go:linkname sysregGetConfig github.com/containers/image/v5/pkg/sysregistriesv2.getConfig
func sysregGetConfig(ctx *types.SystemContext) (*mirrorParsedConfig, error)

// ---------------------------------------------------------------- private root

var root string // R: every virtual path lives under it; removed from every answer

func setupRoot() error {
	dir, err := os.MkdirTemp("", "regresolve-oracle-")
	if err != nil {
		return err
	}
	dir, err = filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	root = dir
	// containers/storage caches the home directory on first use: set it before anything.
	if err := os.Setenv("HOME", filepath.Join(root, "home", "user")); err != nil {
		return err
	}
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR",
		"_CONTAINERS_ROOTLESS_UID", "_CONTAINERS_USERNS_CONFIGURED",
		"CONTAINERS_REGISTRIES_CONF", "REGISTRIES_CONFIG_PATH"} {
		os.Unsetenv(k)
	}
	return wipeRoot()
}

// wipeRoot empties R and recreates the (empty) home directory.
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
	return os.MkdirAll(filepath.Join(root, "home", "user"), 0o755)
}

// under maps a virtual absolute path to the real path R + path. The path is kept verbatim
// (not cleaned) because the library quotes the paths it is given in its messages.
func under(virtual string) (string, error) {
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

// ---------------------------------------------------------------- requests / answers

type request struct {
	Op string `json:"op"`

	// parse
	Input *string `json:"input"`

	// config / bench_plan
	Files                       map[string]*string `json:"files"`
	FilesB64                    map[string]string  `json:"files_b64"`
	Symlinks                    map[string]string  `json:"symlinks"`
	SystemRegistriesConfPath    *string            `json:"system_registries_conf_path"`
	SystemRegistriesConfDirPath *string            `json:"system_registries_conf_dir_path"`
	UserAliasCache              *string            `json:"user_alias_cache"`
	ShortNameMode               json.RawMessage    `json:"short_name_mode"`
	Refs                        []string           `json:"refs"`
	ShortNames                  []string           `json:"short_names"`
	LocalNames                  []string           `json:"local_names"`
	Find                        []string           `json:"find"`

	// toml / bench_toml
	DataB64  *string  `json:"data_b64"`
	BatchB64 []string `json:"batch_b64"`

	// benchmarks
	Inputs     []string `json:"inputs"`
	Iterations *int     `json:"iterations"`
	LoadRuns   *int     `json:"load_runs"`
}

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

type anyObject struct {
	String string `json:"string"`
}

type parseAnswer struct {
	Normalized      *refObject `json:"normalized"`
	NormalizedError *string    `json:"normalized_error"`
	Named           *refObject `json:"named"`
	NamedError      *string    `json:"named_error"`
	Any             *anyObject `json:"any"`
	AnyError        *string    `json:"any_error"`
	Short           bool       `json:"short"`
	ShortError      *string    `json:"short_error"`
}

type mirrorObject struct {
	Location       string `json:"location"`
	Insecure       bool   `json:"insecure"`
	PullFromMirror string `json:"pull_from_mirror"`
}

type registryObject struct {
	Prefix             string         `json:"prefix"`
	Location           string         `json:"location"`
	Insecure           bool           `json:"insecure"`
	Blocked            bool           `json:"blocked"`
	MirrorByDigestOnly bool           `json:"mirror_by_digest_only"`
	Mirrors            []mirrorObject `json:"mirrors"`
}

type configObject struct {
	Registries                        []registryObject  `json:"registries"`
	UnqualifiedSearchRegistries       []string          `json:"unqualified_search_registries"`
	UnqualifiedSearchRegistriesOrigin string            `json:"unqualified_search_registries_origin"`
	ShortNameMode                     *string           `json:"short_name_mode"`
	ShortNameModeError                *string           `json:"short_name_mode_error"`
	CredentialHelpers                 []string          `json:"credential_helpers"`
	AdditionalLayerStoreAuthHelper    string            `json:"additional_layer_store_auth_helper"`
	Aliases                           map[string]string `json:"aliases"`
	AliasOrigins                      map[string]string `json:"alias_origins"`
	AliasesError                      *string           `json:"aliases_error"`
}

type sourceObject struct {
	Reference      string  `json:"reference"`
	Location       string  `json:"location"`
	Insecure       bool    `json:"insecure"`
	Mirror         bool    `json:"mirror"`
	PullFromMirror string  `json:"pull_from_mirror"`
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

type configAnswer struct {
	Error         *string                `json:"error"`
	ConfigPath    string                 `json:"config_path"`
	ConfigDirPath string                 `json:"config_dir_path"`
	Config        *configObject          `json:"config"`
	Plans         []planObject           `json:"plans"`
	ShortNames    []shortNameObject      `json:"short_names"`
	LocalNames    []localNameObject      `json:"local_names"`
	Find          []findObject           `json:"find"`
	Aliases       map[string]aliasObject `json:"aliases"`
}

func errText(err error) *string {
	if err == nil {
		return nil
	}
	s := err.Error()
	return &s
}

func strp(s string) *string { return &s }

func newRefObject(r reference.Named) *refObject {
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

func newRegistryObject(r *sysregistriesv2.Registry) *registryObject {
	if r == nil {
		return nil
	}
	o := &registryObject{
		Prefix:             r.Prefix,
		Location:           r.Location,
		Insecure:           r.Insecure,
		Blocked:            r.Blocked,
		MirrorByDigestOnly: r.MirrorByDigestOnly,
		Mirrors:            make([]mirrorObject, 0, len(r.Mirrors)),
	}
	for _, m := range r.Mirrors {
		o.Mirrors = append(o.Mirrors, mirrorObject{Location: m.Location, Insecure: m.Insecure, PullFromMirror: m.PullFromMirror})
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
	default:
		return fmt.Sprintf("%d", int(m))
	}
}

// ---------------------------------------------------------------- op: parse

func opParse(req *request) (any, error) {
	if req.Input == nil {
		return nil, errors.New("parse: missing \"input\"")
	}
	s := *req.Input
	a := parseAnswer{}
	if n, err := reference.ParseNormalizedNamed(s); err != nil {
		a.NormalizedError = errText(err)
	} else {
		a.Normalized = newRefObject(n)
	}
	if n, err := reference.ParseNamed(s); err != nil {
		a.NamedError = errText(err)
	} else {
		a.Named = newRefObject(n)
	}
	if r, err := reference.ParseAnyReference(s); err != nil {
		a.AnyError = errText(err)
	} else {
		a.Any = &anyObject{String: r.String()}
	}
	a.Short = shortnames.IsShortName(s)
	if !a.Short {
		// IsShortName drops its parse error; ResolveLocally returns it verbatim and, for a
		// non-short input, returns before reading any configuration.
		sys := baseSystemContext()
		sysregistriesv2.InvalidateCache()
		if _, err := shortnames.ResolveLocally(sys, s); err != nil {
			a.ShortError = errText(err)
		}
	}
	return a, nil
}

// ---------------------------------------------------------------- op: config

const defaultUserAliasCache = "/var/cache/containers/short-name-aliases.conf"

func baseSystemContext() *types.SystemContext {
	return &types.SystemContext{
		RootForImplicitAbsolutePaths: root,
		UserShortNameAliasConfPath:   root + defaultUserAliasCache,
	}
}

// prepare wipes R, lays out the request's files and returns the SystemContext to use.
func prepare(req *request) (*types.SystemContext, error) {
	if err := wipeRoot(); err != nil {
		return nil, fmt.Errorf("wiping private root: %w", err)
	}
	// files (text, or null for a directory) and files_b64 (raw bytes) share one namespace.
	contents := make(map[string]*[]byte, len(req.Files)+len(req.FilesB64))
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
			return nil, fmt.Errorf("path %q is in both files and files_b64", p)
		}
		b, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return nil, fmt.Errorf("files_b64[%q]: %w", p, err)
		}
		contents[p] = &b
	}
	paths := make([]string, 0, len(contents))
	for p := range contents {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		rp, err := under(p)
		if err != nil {
			return nil, err
		}
		content := contents[p]
		if content == nil {
			if err := os.MkdirAll(rp, 0o755); err != nil {
				return nil, fmt.Errorf("creating directory %q: %w", p, err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(rp), 0o755); err != nil {
			return nil, fmt.Errorf("creating parent of %q: %w", p, err)
		}
		if err := os.WriteFile(rp, *content, 0o644); err != nil {
			return nil, fmt.Errorf("writing %q: %w", p, err)
		}
	}
	links := make([]string, 0, len(req.Symlinks))
	for p := range req.Symlinks {
		links = append(links, p)
	}
	sort.Strings(links)
	for _, p := range links {
		rp, err := under(p)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(rp), 0o755); err != nil {
			return nil, fmt.Errorf("creating parent of %q: %w", p, err)
		}
		target := req.Symlinks[p]
		if strings.HasPrefix(target, "/") {
			// an absolute target is a virtual path too: never point outside R
			if target, err = under(target); err != nil {
				return nil, err
			}
		}
		if err := os.Symlink(target, rp); err != nil {
			return nil, fmt.Errorf("creating symlink %q: %w", p, err)
		}
	}

	sys := baseSystemContext()
	if req.SystemRegistriesConfPath != nil {
		rp, err := under(*req.SystemRegistriesConfPath)
		if err != nil {
			return nil, err
		}
		sys.SystemRegistriesConfPath = rp
	}
	if req.SystemRegistriesConfDirPath != nil {
		rp, err := under(*req.SystemRegistriesConfDirPath)
		if err != nil {
			return nil, err
		}
		sys.SystemRegistriesConfDirPath = rp
	}
	if req.UserAliasCache != nil {
		rp, err := under(*req.UserAliasCache)
		if err != nil {
			return nil, err
		}
		sys.UserShortNameAliasConfPath = rp
	}
	if len(req.ShortNameMode) > 0 && string(req.ShortNameMode) != "null" {
		var name string
		var num int
		var mode types.ShortNameMode
		if err := json.Unmarshal(req.ShortNameMode, &name); err == nil {
			switch name {
			case "disabled":
				mode = types.ShortNameModeDisabled
			case "permissive":
				mode = types.ShortNameModePermissive
			case "enforcing":
				mode = types.ShortNameModeEnforcing
			default:
				return nil, fmt.Errorf("unknown short_name_mode %q", name)
			}
		} else if err := json.Unmarshal(req.ShortNameMode, &num); err == nil {
			mode = types.ShortNameMode(num) // raw value, to reach "unsupported short-name mode (N)"
		} else {
			return nil, fmt.Errorf("short_name_mode must be a string or an integer")
		}
		sys.ShortNameMode = &mode
	}
	sysregistriesv2.InvalidateCache()
	return sys, nil
}

func aliasesOf(sys *types.SystemContext) (map[string]string, map[string]string, error) {
	pc, err := sysregGetConfig(sys)
	if err != nil {
		return nil, nil, err
	}
	// Cross-check the mirrored layout before trusting it.
	usr, origin, err := sysregistriesv2.UnqualifiedSearchRegistriesWithOrigin(sys)
	if err != nil {
		return nil, nil, err
	}
	regs, err := sysregistriesv2.GetRegistries(sys)
	if err != nil {
		return nil, nil, err
	}
	if pc == nil || pc.aliasCache == nil || pc.unqualifiedSearchRegistriesOrigin != origin ||
		len(pc.partialV2.UnqualifiedSearchRegistries) != len(usr) || len(pc.partialV2.Registries) != len(regs) {
		return nil, nil, errors.New("oracle: parsedConfig layout mismatch; cannot read merged aliases")
	}
	values := make(map[string]string, len(pc.aliasCache.namedAliases))
	origins := make(map[string]string, len(pc.aliasCache.namedAliases))
	for name, a := range pc.aliasCache.namedAliases {
		if a.value != nil {
			values[name] = a.value.String()
		} else {
			values[name] = ""
		}
		origins[name] = a.configOrigin
	}
	return values, origins, nil
}

const bothTagAndDigest = "Docker references with both a tag and digest are currently not supported"

// plan reproduces the docker transport's steps up to (not including) the network.
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
	p.Registry = newRegistryObject(reg)
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
	for i, s := range srcs {
		o := sourceObject{
			Reference:      s.Reference.String(),
			Location:       s.Endpoint.Location,
			Insecure:       s.Endpoint.Insecure,
			Mirror:         i < len(srcs)-1,
			PullFromMirror: s.Endpoint.PullFromMirror,
		}
		phys, err := sysregistriesv2.FindRegistry(sys, s.Reference.Name())
		if err != nil {
			o.BlockedError = strp("loading registries: " + err.Error())
		} else if phys != nil && phys.Blocked {
			o.BlockedError = strp(fmt.Sprintf("registry %s is blocked in %s or %s",
				phys.Prefix, sysregistriesv2.ConfigPath(sys), sysregistriesv2.ConfigDirPath(sys)))
		}
		p.Sources = append(p.Sources, o)
	}
	return p
}

func opConfig(req *request) (any, error) {
	sys, err := prepare(req)
	if err != nil {
		return nil, err
	}
	a := configAnswer{
		Plans:      []planObject{},
		ShortNames: []shortNameObject{},
		LocalNames: []localNameObject{},
		Find:       []findObject{},
		Aliases:    map[string]aliasObject{},
	}
	regs, err := sysregistriesv2.GetRegistries(sys)
	a.Error = errText(err)
	a.ConfigPath = sysregistriesv2.ConfigPath(sys)
	a.ConfigDirPath = sysregistriesv2.ConfigDirPath(sys)
	if err == nil {
		c := &configObject{Registries: make([]registryObject, 0, len(regs))}
		for i := range regs {
			c.Registries = append(c.Registries, *newRegistryObject(&regs[i]))
		}
		usr, origin, err := sysregistriesv2.UnqualifiedSearchRegistriesWithOrigin(sys)
		if err != nil {
			return nil, fmt.Errorf("UnqualifiedSearchRegistriesWithOrigin after a successful load: %w", err)
		}
		c.UnqualifiedSearchRegistries, c.UnqualifiedSearchRegistriesOrigin = usr, origin
		if m, err := sysregistriesv2.GetShortNameMode(sys); err != nil {
			c.ShortNameModeError = errText(err)
		} else {
			c.ShortNameMode = strp(modeName(m))
		}
		if c.CredentialHelpers, err = sysregistriesv2.CredentialHelpers(sys); err != nil {
			return nil, err
		}
		if c.AdditionalLayerStoreAuthHelper, err = sysregistriesv2.AdditionalLayerStoreAuthHelper(sys); err != nil {
			return nil, err
		}
		if c.Aliases, c.AliasOrigins, err = aliasesOf(sys); err != nil {
			c.AliasesError = errText(err)
		}
		a.Config = c
	}
	for _, r := range req.Refs {
		a.Plans = append(a.Plans, plan(sys, r))
	}
	for _, n := range req.ShortNames {
		o := shortNameObject{Input: n, Candidates: []candidateObject{}}
		res, err := shortnames.Resolve(sys, n)
		if err != nil {
			o.Error = errText(err)
		} else {
			d := res.Description()
			for _, c := range res.PullCandidates {
				o.Candidates = append(o.Candidates, candidateObject{Value: c.Value.String(), Description: d})
			}
		}
		a.ShortNames = append(a.ShortNames, o)

		ao := aliasObject{}
		v, origin, err := sysregistriesv2.ResolveShortNameAlias(sys, n)
		if err != nil {
			ao.Error = errText(err)
		} else {
			ao.Origin = origin
			if v != nil {
				ao.Value = strp(v.String())
			}
		}
		a.Aliases[n] = ao
	}
	for _, n := range req.LocalNames {
		o := localNameObject{Input: n, Candidates: []string{}}
		res, err := shortnames.ResolveLocally(sys, n)
		if err != nil {
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
		r, err := sysregistriesv2.FindRegistry(sys, s)
		if err != nil {
			o.Error = errText(err)
		} else {
			o.Registry = newRegistryObject(r)
		}
		a.Find = append(a.Find, o)
	}
	return a, nil
}

// ---------------------------------------------------------------- benchmarks

var sink int

func iterations(req *request) (int, error) {
	if req.Iterations == nil {
		return 1, nil
	}
	if *req.Iterations < 1 {
		return 0, errors.New("iterations must be >= 1")
	}
	return *req.Iterations, nil
}

func opBenchParse(req *request) (any, error) {
	n, err := iterations(req)
	if err != nil {
		return nil, err
	}
	if len(req.Inputs) == 0 {
		return nil, errors.New("bench_parse: empty \"inputs\"")
	}
	ok := 0
	start := time.Now()
	for i := 0; i < n; i++ {
		for _, s := range req.Inputs {
			if r, err := reference.ParseNormalizedNamed(s); err == nil {
				ok += len(r.Name())
			}
		}
	}
	elapsed := time.Since(start)
	sink += ok
	ops := float64(n) * float64(len(req.Inputs))
	return map[string]any{"ns_per_op": float64(elapsed.Nanoseconds()) / ops, "ops": ops}, nil
}

// planQuiet is the same pipeline as plan(), without building the answer objects.
func planQuiet(sys *types.SystemContext, input string) int {
	named, err := reference.ParseNormalizedNamed(input)
	if err != nil {
		return 0
	}
	ref := reference.TagNameOnly(named)
	_, tagged := ref.(reference.NamedTagged)
	_, digested := ref.(reference.Canonical)
	if tagged && digested {
		return 0
	}
	reg, err := sysregistriesv2.FindRegistry(sys, ref.Name())
	if err != nil {
		return 0
	}
	if reg == nil {
		reg = &sysregistriesv2.Registry{Prefix: ref.String(), Endpoint: sysregistriesv2.Endpoint{Location: ref.String()}}
	}
	srcs, err := reg.PullSourcesFromReference(ref)
	if err != nil {
		return 0
	}
	total := 0
	for _, s := range srcs {
		if phys, err := sysregistriesv2.FindRegistry(sys, s.Reference.Name()); err == nil && phys != nil && phys.Blocked {
			total++
		}
		total += len(s.Reference.String())
	}
	return total
}

func opBenchPlan(req *request) (any, error) {
	n, err := iterations(req)
	if err != nil {
		return nil, err
	}
	if len(req.Refs) == 0 {
		return nil, errors.New("bench_plan: empty \"refs\"")
	}
	sys, err := prepare(req)
	if err != nil {
		return nil, err
	}
	loadRuns := 3
	if req.LoadRuns != nil {
		if *req.LoadRuns < 1 {
			return nil, errors.New("load_runs must be >= 1")
		}
		loadRuns = *req.LoadRuns
	}
	loads := make([]int64, 0, loadRuns)
	var loadErr error
	for i := 0; i < loadRuns; i++ {
		sysregistriesv2.InvalidateCache()
		start := time.Now()
		_, loadErr = sysregistriesv2.GetRegistries(sys)
		loads = append(loads, time.Since(start).Nanoseconds())
	}
	sort.Slice(loads, func(i, j int) bool { return loads[i] < loads[j] })
	answer := map[string]any{"load_ns": float64(loads[loadRuns/2]), "error": errText(loadErr)}
	acc := 0
	start := time.Now()
	for i := 0; i < n; i++ {
		for _, r := range req.Refs {
			acc += planQuiet(sys, r)
		}
	}
	elapsed := time.Since(start)
	sink += acc
	ops := float64(n) * float64(len(req.Refs))
	answer["ns_per_op"] = float64(elapsed.Nanoseconds()) / ops
	answer["ops"] = ops
	return answer, nil
}

// ---------------------------------------------------------------- op: toml
//
// toml.Decode(string(data), &m) with m a map[string]any, exactly as BurntSushi/toml 1.4.0
// (the version containers/image 5.34.2 is built with) runs it. The answer carries the error
// text and line, or the decoded value with every node tagged by its Go type, and the key
// positions the decoder recorded (MetaData.keyInfo: unexported, read through a struct with
// the same layout as toml 1.4.0's MetaData, cross-checked against MetaData.Type).

type mirrorKeyInfo struct {
	pos      toml.Position
	tomlType [2]unsafe.Pointer // a non-empty interface: itab word, data word
}

type mirrorMetaData struct {
	context toml.Key
	keyInfo map[string]mirrorKeyInfo
	mapping map[string]any
	keys    []toml.Key
	decoded map[string]struct{}
	data    []byte
}

// typeName reads the tomlBaseType (a string type) an interface word pair points at.
func (ki mirrorKeyInfo) typeName() string {
	if ki.tomlType[1] == nil {
		return ""
	}
	return *(*string)(ki.tomlType[1])
}

func keyInfoOf(md *toml.MetaData, top map[string]any) (map[string][2]any, error) {
	mm := (*mirrorMetaData)(unsafe.Pointer(md))
	if len(mm.mapping) != len(top) {
		return nil, errors.New("oracle: toml.MetaData layout mismatch (mapping)")
	}
	for _, k := range md.Keys() {
		want := md.Type(k...)
		ki, ok := mm.keyInfo[k.String()]
		if want == "" {
			if ok {
				return nil, fmt.Errorf("oracle: toml.MetaData layout mismatch (%q has no type)", k.String())
			}
			continue
		}
		if !ok || ki.typeName() != want {
			return nil, fmt.Errorf("oracle: toml.MetaData layout mismatch (type of %q)", k.String())
		}
	}
	out := make(map[string][2]any, len(mm.keyInfo))
	for k, ki := range mm.keyInfo {
		out[k] = [2]any{ki.pos.Line, ki.typeName()}
	}
	return out, nil
}

// tomlNode tags a decoded value with its Go type.
func tomlNode(v any) any {
	switch x := v.(type) {
	case string:
		return map[string]any{"string": x}
	case int64:
		return map[string]any{"int64": strconv.FormatInt(x, 10)}
	case float64:
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if math.IsNaN(x) && math.Signbit(x) {
			s = "-NaN" // FormatFloat drops the sign of a NaN; "-nan" in TOML sets it
		}
		return map[string]any{"float64": s}
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
		items := make([]any, len(x))
		for i, e := range x {
			items[i] = tomlNode(e)
		}
		return map[string]any{"[]any": items}
	case []map[string]any:
		items := make([]any, len(x))
		for i, e := range x {
			items[i] = tomlTable(e)
		}
		return map[string]any{"[]map[string]any": items}
	case map[string]any:
		return tomlTable(x)
	default:
		return map[string]any{"unknown": fmt.Sprintf("%T", v)}
	}
}

func tomlTable(m map[string]any) any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = tomlNode(v)
	}
	return map[string]any{"map[string]any": out}
}

type tomlAnswer struct {
	Error    *string           `json:"error"`
	Line     *int              `json:"line"`
	LastKey  *string           `json:"last_key"`
	Value    any               `json:"value"`
	KeyInfo  map[string][2]any `json:"key_info"`
	MetaFail *string           `json:"meta_error"`
}

func decodeToml(data []byte) tomlAnswer {
	var m map[string]any
	md, err := toml.Decode(string(data), &m)
	if err != nil {
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
	a := tomlAnswer{Value: tomlTable(m)}
	if info, err := keyInfoOf(&md, m); err != nil {
		a.MetaFail = errText(err)
	} else {
		a.KeyInfo = info
	}
	return a
}

func opToml(req *request) (any, error) {
	if (req.DataB64 == nil) == (req.BatchB64 == nil) {
		return nil, errors.New("toml: exactly one of \"data_b64\" and \"batch_b64\" is required")
	}
	if req.DataB64 != nil {
		data, err := base64.StdEncoding.DecodeString(*req.DataB64)
		if err != nil {
			return nil, fmt.Errorf("data_b64: %w", err)
		}
		return decodeToml(data), nil
	}
	results := make([]tomlAnswer, len(req.BatchB64))
	for i, enc := range req.BatchB64 {
		data, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return nil, fmt.Errorf("batch_b64[%d]: %w", i, err)
		}
		results[i] = decodeToml(data)
	}
	return map[string]any{"results": results}, nil
}

func opBenchToml(req *request) (any, error) {
	n, err := iterations(req)
	if err != nil {
		return nil, err
	}
	if req.DataB64 == nil {
		return nil, errors.New("bench_toml: missing \"data_b64\"")
	}
	data, err := base64.StdEncoding.DecodeString(*req.DataB64)
	if err != nil {
		return nil, fmt.Errorf("data_b64: %w", err)
	}
	runs := make([]int64, 0, n)
	var decErr error
	for i := 0; i < n; i++ {
		var m map[string]any
		start := time.Now()
		_, decErr = toml.Decode(string(data), &m)
		runs = append(runs, time.Since(start).Nanoseconds())
		sink += len(m)
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i] < runs[j] })
	return map[string]any{
		"best_ns": float64(runs[0]), "median_ns": float64(runs[n/2]), "runs": n, "error": errText(decErr),
	}, nil
}

// ---------------------------------------------------------------- main loop

func handle(line []byte) (ans any) {
	defer func() {
		if p := recover(); p != nil {
			ans = map[string]string{"fatal": fmt.Sprintf("panic: %v\n%s", p, debug.Stack())}
		}
	}()
	var peek struct {
		Op string `json:"op"`
	}
	if json.Unmarshal(line, &peek) == nil && peek.Op == "hostctx" {
		var hreq hostctxRequest
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&hreq); err != nil {
			return map[string]string{"fatal": "bad request: " + err.Error()}
		}
		res, err := opHostctx(&hreq)
		if err != nil {
			return map[string]string{"fatal": err.Error()}
		}
		return res
	}
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
		res = map[string]string{"containers_image": version.Version, "go": runtime.Version()}
	case "parse":
		res, err = opParse(&req)
	case "config":
		res, err = opConfig(&req)
	case "bench_parse":
		res, err = opBenchParse(&req)
	case "bench_plan":
		res, err = opBenchPlan(&req)
	case "toml":
		res, err = opToml(&req)
	case "bench_toml":
		res, err = opBenchToml(&req)
	case "quote":
		quoted := make([]string, len(req.Inputs))
		for i, s := range req.Inputs {
			quoted[i] = strconv.Quote(s)
		}
		res = map[string][]string{"quoted": quoted}
	default:
		err = fmt.Errorf("unknown op %q", req.Op)
	}
	if err != nil {
		return map[string]string{"fatal": err.Error()}
	}
	return res
}

func main() {
	// Requests and answers use the original stdin/stdout descriptors; os.Stdin and os.Stdout
	// are pointed at /dev/null so that the library never sees a terminal (short-name
	// resolution then behaves as in a pipeline) and nothing it prints can corrupt the stream.
	in := os.Stdin
	out := os.Stdout
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "regresolve-oracle:", err)
		os.Exit(2)
	}
	os.Stdin, os.Stdout = devnull, devnull

	if err := setupRoot(); err != nil {
		fmt.Fprintln(os.Stderr, "regresolve-oracle: private root:", err)
		os.Exit(2)
	}
	defer os.RemoveAll(root)

	r := bufio.NewReaderSize(in, 1<<20)
	w := bufio.NewWriterSize(out, 1<<20)
	rootBytes := []byte(root)
	for {
		line, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			ans := handle(line)
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if e := enc.Encode(ans); e != nil {
				buf.Reset()
				enc.Encode(map[string]string{"fatal": "encoding answer: " + e.Error()})
			}
			// Every string in the answer has R removed (enc.Encode ends with "\n").
			w.Write(bytes.ReplaceAll(buf.Bytes(), rootBytes, nil))
			if e := w.Flush(); e != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				fmt.Fprintln(os.Stderr, "regresolve-oracle: reading stdin:", err)
			}
			return
		}
	}
}
