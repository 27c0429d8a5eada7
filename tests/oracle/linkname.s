// Empty on purpose: its presence lets main.go declare a body-less function bound with
// go:linkname (the Go compiler rejects body-less functions in packages without assembly).
