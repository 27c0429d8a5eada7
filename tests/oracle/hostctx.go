// The "hostctx" op: what the docker transport of containers/image 5.34.2 decides for each pull
// source before it opens a connection (credentials, certificate directory and files, signature
// storage, TLS verification, the client set-up error). See PROTOCOL.md.
package main

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unsafe"

	"github.com/containers/image/v5/docker"
	"github.com/containers/image/v5/docker/reference"
	"github.com/containers/image/v5/pkg/docker/config"
	"github.com/containers/image/v5/pkg/sysregistriesv2"
	"github.com/containers/image/v5/pkg/tlsclientconfig"
	"github.com/containers/image/v5/types"
)

// ---------------------------------------------------------------- unexported docker API
//
// dockerReference is {ref reference.Named; isUnknownDigest bool} in 5.34.2; the registries.d
// configuration and the client are only passed through, as opaque pointers.

type mirrorDockerRef struct {
	ref             reference.Named
	isUnknownDigest bool
}

//go:linkname dockerCertDir github.com/containers/image/v5/docker.dockerCertDir
func dockerCertDir(sys *types.SystemContext, hostPort string) (string, error)

//go:linkname loadRegistryConfiguration github.com/containers/image/v5/docker.loadRegistryConfiguration
func loadRegistryConfiguration(sys *types.SystemContext) (unsafe.Pointer, error)

//go:linkname useSigstoreAttachments github.com/containers/image/v5/docker.(*registryConfiguration).useSigstoreAttachments
func useSigstoreAttachments(config unsafe.Pointer, ref mirrorDockerRef) bool

//go:linkname newDockerClientFromRef github.com/containers/image/v5/docker.newDockerClientFromRef
func newDockerClientFromRef(sys *types.SystemContext, ref mirrorDockerRef, registryConfig unsafe.Pointer, write bool, actions string) (unsafe.Pointer, error)

// dockerRefOf reads the dockerReference value inside the types.ImageReference that
// docker.NewReference returns (an interface holding a dockerReference by value).
func dockerRefOf(ir types.ImageReference) (mirrorDockerRef, error) {
	words := (*[2]unsafe.Pointer)(unsafe.Pointer(&ir))
	dr := *(*mirrorDockerRef)(words[1])
	// Cross-check the mirrored layout against the public view before trusting it.
	if dr.ref == nil || ir.DockerReference() == nil || dr.ref.String() != ir.DockerReference().String() || dr.isUnknownDigest {
		return mirrorDockerRef{}, errors.New("oracle: dockerReference layout mismatch")
	}
	return dr, nil
}

// ---------------------------------------------------------------- request / answer

type hostctxRequest struct {
	Op                  string            `json:"op"`
	Tree                *string           `json:"tree"`
	Refs                []string          `json:"refs"`
	RegistriesConf      *string           `json:"registries_conf"`
	AuthFile            *string           `json:"auth_file"`
	CertDir             *string           `json:"cert_dir"`
	RegistriesD         *string           `json:"registries_d"`
	Env                 map[string]string `json:"env"`
	AuthNoRoot          bool              `json:"auth_no_root"`
	ExplicitCredentials bool              `json:"explicit_credentials"`
	TLSVerify           *bool             `json:"tls_verify"`
}

type credsObject struct {
	Username string `json:"username"`
	Password string `json:"password_sha256_12"`
	Token    string `json:"token_sha256_12"`
}

type certsObject struct {
	RootCAs     bool `json:"root_cas"`
	ClientCerts int  `json:"client_certs"`
}

type hostSourceObject struct {
	Reference              string       `json:"reference"`
	Insecure               bool         `json:"insecure"`
	ExplicitDropped        bool         `json:"explicit_dropped"`
	Credentials            *credsObject `json:"credentials"`
	CredentialsError       *string      `json:"credentials_error"`
	CertDir                *string      `json:"cert_dir"`
	CertDirError           *string      `json:"cert_dir_error"`
	Certs                  *certsObject `json:"certs"`
	CertsError             *string      `json:"certs_error"`
	Lookaside              *string      `json:"lookaside"`
	LookasideError         *string      `json:"lookaside_error"`
	UseSigstoreAttachments bool         `json:"use_sigstore_attachments"`
	TLSVerify              bool         `json:"tls_verify"`
	ClientError            *string      `json:"client_error"`
}

type hostPlanObject struct {
	Input            string             `json:"input"`
	Error            *string            `json:"error"`
	Reference        *string            `json:"reference"`
	RegistriesDError *string            `json:"registries_d_error"`
	Sources          []hostSourceObject `json:"sources"`
}

type hostctxAnswer struct {
	ConfigError       *string          `json:"config_error"`
	CredentialHelpers []string         `json:"credential_helpers"`
	Plans             []hostPlanObject `json:"plans"`
}

// ExplicitUser and ExplicitPassword stand for podman's --creds (SystemContext.DockerAuthConfig).
const (
	explicitUser     = "explicit-user"
	explicitPassword = "explicit-password"
)

var hostctxEnvVars = []string{"XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "DOCKER_CONFIG"}

func sha12(s string) string {
	if s == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:12]
}

// linkTree empties R, then links every top-level entry of tree into R (R/<name> -> tree/<name>),
// so that Go reads the very inodes the test wrote (directory order included). R/home/user is
// created only when the tree has no "home".
func linkTree(tree string) error {
	if err := wipeRoot(); err != nil {
		return fmt.Errorf("wiping private root: %w", err)
	}
	if !filepath.IsAbs(tree) {
		return fmt.Errorf("tree %q is not absolute", tree)
	}
	entries, err := os.ReadDir(tree)
	if err != nil {
		return fmt.Errorf("reading tree: %w", err)
	}
	for _, e := range entries {
		if e.Name() == "home" {
			if err := os.RemoveAll(filepath.Join(root, "home")); err != nil {
				return err
			}
		}
		if err := os.Symlink(filepath.Join(tree, e.Name()), filepath.Join(root, e.Name())); err != nil {
			return fmt.Errorf("linking %q: %w", e.Name(), err)
		}
	}
	return nil
}

func opHostctx(req *hostctxRequest) (any, error) {
	if req.Tree == nil {
		return nil, errors.New("hostctx: missing \"tree\"")
	}
	if err := linkTree(*req.Tree); err != nil {
		return nil, err
	}
	sys := baseSystemContext()
	setPath := func(dst *string, virtual *string) error {
		if virtual == nil {
			return nil
		}
		rp, err := under(*virtual)
		if err != nil {
			return err
		}
		*dst = rp
		return nil
	}
	if err := setPath(&sys.SystemRegistriesConfPath, req.RegistriesConf); err != nil {
		return nil, err
	}
	if err := setPath(&sys.AuthFilePath, req.AuthFile); err != nil {
		return nil, err
	}
	if err := setPath(&sys.DockerCertPath, req.CertDir); err != nil {
		return nil, err
	}
	if err := setPath(&sys.RegistriesDirPath, req.RegistriesD); err != nil {
		return nil, err
	}
	for _, k := range hostctxEnvVars {
		os.Unsetenv(k)
	}
	for k, v := range req.Env {
		known := false
		for _, allowed := range hostctxEnvVars {
			known = known || k == allowed
		}
		if !known {
			return nil, fmt.Errorf("hostctx: env %q is not supported", k)
		}
		rp, err := under(v)
		if err != nil {
			return nil, err
		}
		os.Setenv(k, rp)
	}
	defer func() {
		for _, k := range hostctxEnvVars {
			os.Unsetenv(k)
		}
	}()
	if req.AuthNoRoot && req.Env["XDG_RUNTIME_DIR"] == "" {
		return nil, errors.New("hostctx: auth_no_root needs env XDG_RUNTIME_DIR (else the host's /run is read)")
	}
	// Credential helpers are looked up in PATH: only the tree's /bin.
	os.Setenv("PATH", filepath.Join(root, "bin"))
	if req.TLSVerify != nil {
		if *req.TLSVerify {
			sys.DockerInsecureSkipTLSVerify = types.OptionalBoolFalse
		} else {
			sys.DockerInsecureSkipTLSVerify = types.OptionalBoolTrue
		}
	}
	if req.ExplicitCredentials {
		sys.DockerAuthConfig = &types.DockerAuthConfig{Username: explicitUser, Password: explicitPassword}
	}
	sysregistriesv2.InvalidateCache()

	a := hostctxAnswer{Plans: []hostPlanObject{}}
	helpers, err := sysregistriesv2.CredentialHelpers(sys)
	if err != nil {
		a.ConfigError = errText(err)
	} else {
		a.CredentialHelpers = helpers
	}
	for _, input := range req.Refs {
		p, err := hostPlan(sys, req, input)
		if err != nil {
			return nil, err
		}
		a.Plans = append(a.Plans, p)
	}
	return a, nil
}

func hostPlan(sys *types.SystemContext, req *hostctxRequest, input string) (hostPlanObject, error) {
	p := hostPlanObject{Input: input, Sources: []hostSourceObject{}}
	named, err := reference.ParseNormalizedNamed(input)
	if err != nil {
		p.Error = errText(err)
		return p, nil
	}
	ref := reference.TagNameOnly(named)
	p.Reference = strp(ref.String())
	logical, err := docker.NewReference(ref)
	if err != nil {
		p.Error = errText(err)
		return p, nil
	}
	logicalRef, err := dockerRefOf(logical)
	if err != nil {
		return p, err
	}
	// newImageSource: registries.d is loaded once per pull, before anything else.
	regConf, err := loadRegistryConfiguration(sys)
	if err != nil {
		p.RegistriesDError = errText(err)
		return p, nil
	}
	reg, err := sysregistriesv2.FindRegistry(sys, ref.Name())
	if err != nil {
		p.Error = strp("loading registries configuration: " + err.Error())
		return p, nil
	}
	if reg == nil {
		reg = &sysregistriesv2.Registry{Prefix: ref.String(), Endpoint: sysregistriesv2.Endpoint{Location: ref.String()}}
	}
	srcs, err := reg.PullSourcesFromReference(ref)
	if err != nil {
		p.Error = errText(err)
		return p, nil
	}
	for _, s := range srcs {
		o, err := hostSource(sys, req, logicalRef, s, regConf)
		if err != nil {
			return p, err
		}
		p.Sources = append(p.Sources, o)
	}
	return p, nil
}

// hostSource follows newImageSourceAttempt and newDockerClientFromRef for one pull source.
func hostSource(sys *types.SystemContext, req *hostctxRequest, logicalRef mirrorDockerRef, s sysregistriesv2.PullSource, regConf unsafe.Pointer) (hostSourceObject, error) {
	o := hostSourceObject{Reference: s.Reference.String(), Insecure: s.Endpoint.Insecure}
	physical, err := docker.NewReference(s.Reference)
	if err != nil {
		return o, fmt.Errorf("oracle: a pull source is not a docker reference: %w", err)
	}
	physicalRef, err := dockerRefOf(physical)
	if err != nil {
		return o, err
	}
	// The explicit-credentials rule of newImageSourceAttempt (inline there, so repeated here).
	endpointSys := sys
	if sys.DockerAuthConfig != nil && reference.Domain(physicalRef.ref) != reference.Domain(logicalRef.ref) {
		c := *sys
		c.DockerAuthConfig = nil
		c.DockerBearerRegistryToken = ""
		endpointSys = &c
		o.ExplicitDropped = true
	}
	credSys := endpointSys
	if req.AuthNoRoot {
		c := *endpointSys
		c.RootForImplicitAbsolutePaths = ""
		credSys = &c
	}
	if creds, err := config.GetCredentialsForRef(credSys, physicalRef.ref); err != nil {
		o.CredentialsError = errText(err)
	} else if creds != (types.DockerAuthConfig{}) {
		o.Credentials = &credsObject{Username: creds.Username, Password: sha12(creds.Password), Token: sha12(creds.IdentityToken)}
	}
	if dir, err := dockerCertDir(endpointSys, reference.Domain(physicalRef.ref)); err != nil {
		o.CertDirError = errText(err)
	} else {
		o.CertDir = strp(dir)
		tlsc := &tls.Config{}
		if err := tlsclientconfig.SetupCertificates(dir, tlsc); err != nil {
			o.CertsError = errText(err)
		}
		o.Certs = &certsObject{RootCAs: tlsc.RootCAs != nil, ClientCerts: len(tlsc.Certificates)}
	}
	if u, err := docker.SignatureStorageBaseURL(endpointSys, physical, false); err != nil {
		o.LookasideError = errText(err)
	} else {
		o.Lookaside = strp(u.Redacted()) // a password in the URL is never shown
	}
	o.UseSigstoreAttachments = useSigstoreAttachments(regConf, physicalRef)
	// newImageSourceAttempt sets InsecureSkipVerify from the endpoint; detectPropertiesHelper
	// then applies SystemContext.DockerInsecureSkipTLSVerify when it is defined.
	skip := s.Endpoint.Insecure
	if endpointSys.DockerInsecureSkipTLSVerify != types.OptionalBoolUndefined {
		skip = endpointSys.DockerInsecureSkipTLSVerify == types.OptionalBoolTrue
	}
	o.TLSVerify = !skip
	// With auth_no_root the client would read the host's /etc: no client error then.
	if !req.AuthNoRoot {
		if _, err := newDockerClientFromRef(endpointSys, physicalRef, regConf, false, "pull"); err != nil {
			o.ClientError = errText(err)
		}
	}
	return o, nil
}
