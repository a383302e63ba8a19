package config

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

var errEOF = io.EOF

// EnvPrefix starts every environment override: WIREWATCH_KAFKA_BROKERS sets kafka.brokers.
const EnvPrefix = "WIREWATCH_"

// commandVars are WIREWATCH_ variables the command line reads itself; they are not settings.
var commandVars = map[string]bool{
	"WIREWATCH_CONFIG": true, // the config file's path
	"WIREWATCH_ADDR":   true, // the server the CLI's client commands talk to
}

// suiteVarPrefixes start the WIREWATCH_ variables of the test and bench tooling
// (deployments/live/servers.sh env, the growth benchmark); a shell that exported them
// still runs every command.
var suiteVarPrefixes = []string{"WIREWATCH_LIVE_", "WIREWATCH_BENCH_"}

// notASetting reports whether the variable name is read by the command line or the
// tooling rather than being a setting.
func notASetting(name string) bool {
	return commandVars[name] || slices.ContainsFunc(suiteVarPrefixes, func(p string) bool { return strings.HasPrefix(name, p) })
}

// applyEnv sets every field whose variable is present in environ. The variable name is the
// YAML path in upper case with "_" for "." (WIREWATCH_INDEX_ELASTICSEARCH_URLS); lists are
// comma-separated. An unknown WIREWATCH_ variable is an error, so a typo is not silently
// ignored.
func applyEnv(cfg *Config, environ []string) error {
	fields := map[string]reflect.Value{}
	collectEnvFields(reflect.ValueOf(cfg).Elem(), strings.TrimSuffix(EnvPrefix, "_"), fields)
	var errs []error
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvPrefix) || notASetting(name) {
			continue
		}
		v, known := fields[name]
		if !known {
			errs = append(errs, fmt.Errorf("environment %s: no such setting (known: %s)", name, knownNames(fields)))
			continue
		}
		if err := setFromString(v, value); err != nil {
			errs = append(errs, fmt.Errorf("environment %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

func collectEnvFields(v reflect.Value, prefix string, out map[string]reflect.Value) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if f.Anonymous && opts == "inline" {
			collectEnvFields(v.Field(i), prefix, out)
			continue
		}
		if tag == "" || tag == "-" {
			continue
		}
		name := prefix + "_" + strings.ToUpper(tag)
		fv := v.Field(i)
		if fv.Kind() == reflect.Struct && fv.Type() != reflect.TypeOf(time.Duration(0)) {
			collectEnvFields(fv, name, out)
			continue
		}
		out[name] = fv
	}
}

func knownNames(fields map[string]reflect.Value) string {
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) > 8 {
		return strings.Join(names[:8], ", ") + ", …"
	}
	return strings.Join(names, ", ")
}

func setFromString(v reflect.Value, s string) error {
	if v.Type() == reflect.TypeOf(time.Duration(0)) {
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%q is not a duration (e.g. 90s, 5m): %w", s, err)
		}
		v.SetInt(int64(d))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		v.SetInt(n)
	case reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		v.SetFloat(f)
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("this list cannot be set from the environment; use the config file")
		}
		var items []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				items = append(items, p)
			}
		}
		v.Set(reflect.ValueOf(items))
	default:
		return fmt.Errorf("this setting cannot be set from the environment; use the config file")
	}
	return nil
}
