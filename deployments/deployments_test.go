package deployments

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"wirewatch/internal/config"
)

// stages are the wirewatch subcommands that run as separate services.
var stages = []string{"poll", "process", "index", "alert", "serve"}

type composeFile struct {
	Services map[string]struct {
		Image       string `yaml:"image"`
		Build       *struct{ Context, Dockerfile string }
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	} `yaml:"services"`
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return b
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	var c composeFile
	if err := yaml.Unmarshal(readFile(t, "docker-compose.yml"), &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return c
}

func TestComposeServices(t *testing.T) {
	c := loadCompose(t)
	for _, name := range stages {
		s, ok := c.Services[name]
		if !ok {
			t.Errorf("no service %s", name)
			continue
		}
		if !slices.Equal(s.Command, []string{name}) {
			t.Errorf("%s: command %q, want [%s]", name, s.Command, name)
		}
		if s.Image != "wirewatch:dev" || s.Build == nil || s.Build.Dockerfile != "deployments/Dockerfile" || s.Build.Context != ".." {
			t.Errorf("%s: must be built from deployments/Dockerfile as wirewatch:dev, got image %q build %+v", name, s.Image, s.Build)
		}
		if s.Environment["WIREWATCH_CONFIG"] != "/etc/wirewatch/wirewatch.yaml" || !slices.Contains(s.Volumes, "./wirewatch.yaml:/etc/wirewatch/wirewatch.yaml:ro") {
			t.Errorf("%s: must read ./wirewatch.yaml through WIREWATCH_CONFIG", name)
		}
		if s.DependsOn["kafka-topics"].Condition != "service_completed_successfully" {
			t.Errorf("%s: must wait for the topics to exist", name)
		}
		if name != "process" && name != "poll" && s.DependsOn["elasticsearch"].Condition != "service_healthy" {
			t.Errorf("%s: must wait for a healthy Elasticsearch", name)
		}
	}
	kafka := c.Services["kafka"]
	if !strings.HasPrefix(kafka.Image, "apache/kafka:") || !strings.Contains(kafka.Environment["KAFKA_PROCESS_ROLES"], "controller") {
		t.Errorf("kafka must be apache/kafka in KRaft mode (process roles with controller), got %q %q", kafka.Image, kafka.Environment["KAFKA_PROCESS_ROLES"])
	}
	if _, ok := c.Services["zookeeper"]; ok {
		t.Errorf("KRaft mode needs no zookeeper")
	}
	es := c.Services["elasticsearch"]
	if !strings.HasPrefix(es.Image, "docker.elastic.co/elasticsearch/elasticsearch:8.") || es.Environment["discovery.type"] != "single-node" {
		t.Errorf("elasticsearch must be a single Elasticsearch 8 node, got %q", es.Image)
	}
	topics := c.Services["kafka-topics"]
	if !slices.Contains(topics.Volumes, "./kafka/topics.sh:/topics.sh:ro") || topics.DependsOn["kafka"].Condition != "service_healthy" {
		t.Errorf("kafka-topics must run kafka/topics.sh once kafka is healthy")
	}
}

// TestComposeConfig loads wirewatch.yaml with the real loader and checks it points at the
// compose services.
func TestComposeConfig(t *testing.T) {
	if _, err := config.Load("wirewatch.yaml", nil); err == nil || !strings.Contains(err.Error(), "serve.token") {
		t.Errorf("wirewatch.yaml without WIREWATCH_SERVE_TOKEN: %v, want serve.token refused on 0.0.0.0", err)
	}
	cfg, err := config.Load("wirewatch.yaml", []string{"WIREWATCH_SERVE_TOKEN=compose-token"})
	if err != nil {
		t.Fatalf("wirewatch.yaml: %v", err)
	}
	if cfg.Index.Backend != "elasticsearch" {
		t.Errorf("index.backend %q, want elasticsearch", cfg.Index.Backend)
	}
	if !slices.Equal(cfg.Kafka.Brokers, []string{"kafka:9092"}) {
		t.Errorf("kafka.brokers %q, want the compose kafka service", cfg.Kafka.Brokers)
	}
	if !slices.Equal(cfg.Index.Elastic.URLs, []string{"http://elasticsearch:9200"}) {
		t.Errorf("index.elasticsearch.urls %q, want the compose elasticsearch service", cfg.Index.Elastic.URLs)
	}
	if cfg.Index.Elastic.Replicas != 0 {
		t.Errorf("a single Elasticsearch node cannot allocate replicas; replicas is %d", cfg.Index.Elastic.Replicas)
	}
	if !strings.HasPrefix(cfg.Serve.Addr, "0.0.0.0:") {
		t.Errorf("serve.addr %q is not reachable from outside the container", cfg.Serve.Addr)
	}
	// The image holds the repository's config/ at /app/config (see Dockerfile).
	files := append([]string{cfg.Process.TopicsFile}, cfg.Ingest.OPML...)
	for _, f := range files {
		rel, ok := strings.CutPrefix(f, "/app/")
		if !ok {
			t.Errorf("%s is not a file of the image (/app/...)", f)
			continue
		}
		if _, err := os.Stat(filepath.Join("..", rel)); err != nil {
			t.Errorf("%s: the repository has no %s: %v", f, rel, err)
		}
	}
	// The pollers' state in data_dir must be on a volume.
	poll := loadCompose(t).Services["poll"]
	if !slices.ContainsFunc(poll.Volumes, func(v string) bool { return strings.HasSuffix(v, ":"+cfg.DataDir) }) {
		t.Errorf("poll keeps feed state in data_dir %s, which has no volume: %v", cfg.DataDir, poll.Volumes)
	}
}

// TestComposeOpenSearch checks the OpenSearch variant: OpenSearch 2 without its security
// plugin instead of Elasticsearch, and every stage switched to it by environment, which the
// real loader accepts on top of wirewatch.yaml.
func TestComposeOpenSearch(t *testing.T) {
	var c composeFile
	if err := yaml.Unmarshal(readFile(t, "docker-compose.opensearch.yml"), &c); err != nil {
		t.Fatalf("docker-compose.opensearch.yml: %v", err)
	}
	osSvc := c.Services["opensearch"]
	if !strings.HasPrefix(osSvc.Image, "opensearchproject/opensearch:2.") || osSvc.Environment["DISABLE_SECURITY_PLUGIN"] != "true" || osSvc.Environment["discovery.type"] != "single-node" {
		t.Errorf("opensearch must be a single OpenSearch 2 node without the security plugin, got %q %v", osSvc.Image, osSvc.Environment)
	}
	base := loadCompose(t)
	for _, name := range stages {
		s, ok := c.Services[name]
		if !ok {
			t.Errorf("the variant does not switch %s to OpenSearch", name)
			continue
		}
		env := []string{"WIREWATCH_SERVE_TOKEN=compose-token"}
		for k, v := range s.Environment {
			env = append(env, k+"="+v)
		}
		cfg, err := config.Load("wirewatch.yaml", env)
		if err != nil {
			t.Fatalf("%s: wirewatch.yaml with the variant's environment: %v", name, err)
		}
		if cfg.Index.Backend != "opensearch" || !slices.Equal(cfg.Index.OpenSearch.URLs, []string{"http://opensearch:9200"}) || cfg.Index.OpenSearch.Replicas != 0 {
			t.Errorf("%s: backend %q at %q with %d replicas, want opensearch at the compose service with none", name, cfg.Index.Backend, cfg.Index.OpenSearch.URLs, cfg.Index.OpenSearch.Replicas)
		}
		_, waitsForES := base.Services[name].DependsOn["elasticsearch"]
		if waitsForES && (s.DependsOn["opensearch"].Condition != "service_healthy" || s.DependsOn["elasticsearch"].Condition != "" ||
			s.DependsOn["kafka-topics"].Condition != "service_completed_successfully") {
			t.Errorf("%s must wait for the topics and a healthy OpenSearch instead of Elasticsearch: %+v", name, s.DependsOn)
		}
	}
}

// TestTopicsScript checks kafka/topics.sh creates every topic the default config names.
func TestTopicsScript(t *testing.T) {
	script := string(readFile(t, "kafka/topics.sh"))
	created := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^create (\S+)`).FindAllStringSubmatch(script, -1) {
		created[m[1]] = true
	}
	tp := config.Default().Kafka.Topics
	for _, name := range []string{tp.Raw, tp.Enriched, tp.DLQ, tp.Feeds, tp.State, tp.Alerts, tp.Searches, tp.Stories} {
		if !created[name] {
			t.Errorf("kafka/topics.sh does not create %s", name)
		}
	}
	for _, compacted := range []string{tp.Feeds, tp.State, tp.Searches, tp.Stories} {
		if !regexp.MustCompile(`(?m)^create ` + regexp.QuoteMeta(compacted) + ` .*cleanup\.policy=compact`).MatchString(script) {
			t.Errorf("%s holds keyed state and must be compacted", compacted)
		}
	}
}

func TestDockerfile(t *testing.T) {
	df := string(readFile(t, "Dockerfile"))
	for _, want := range []string{"./cmd/wirewatch", `ENTRYPOINT ["/usr/local/bin/wirewatch"]`, "CGO_ENABLED=0"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	// The Go version of the build image must be able to build go.mod's language version.
	gomod := string(readFile(t, "../go.mod"))
	goVer := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(gomod)
	if goVer == nil || !strings.Contains(df, "FROM golang:"+goVer[1]) {
		t.Errorf("Dockerfile must build with golang:%v (go.mod)", goVer)
	}
}

// TestKubernetesManifests parses every manifest and loads the ConfigMap's configuration.
func TestKubernetesManifests(t *testing.T) {
	files, err := filepath.Glob("k8s/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in k8s/: %v", err)
	}
	args := map[string]bool{}
	var configYAML string
	for _, f := range files {
		dec := yaml.NewDecoder(strings.NewReader(string(readFile(t, f))))
		for {
			var doc struct {
				Kind      string            `yaml:"kind"`
				Data      map[string]string `yaml:"data"`
				Resources []string          `yaml:"resources"`
				Spec      struct {
					Template struct {
						Spec struct {
							Containers []struct {
								Image string   `yaml:"image"`
								Args  []string `yaml:"args"`
							} `yaml:"containers"`
						} `yaml:"spec"`
					} `yaml:"template"`
				} `yaml:"spec"`
			}
			err := dec.Decode(&doc)
			if err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				t.Fatalf("%s: %v", f, err)
			}
			switch doc.Kind {
			case "Deployment":
				for _, c := range doc.Spec.Template.Spec.Containers {
					if len(c.Args) == 1 {
						args[c.Args[0]] = true
					}
				}
			case "ConfigMap":
				configYAML = doc.Data["wirewatch.yaml"]
			case "Kustomization":
				for _, r := range doc.Resources {
					if _, err := os.Stat(filepath.Join("k8s", r)); err != nil {
						t.Errorf("kustomization lists %s: %v", r, err)
					}
				}
			}
		}
	}
	for _, s := range stages {
		if !args[s] {
			t.Errorf("no Deployment runs wirewatch %s", s)
		}
	}
	path := filepath.Join(t.TempDir(), "wirewatch.yaml")
	if err := os.WriteFile(path, []byte(configYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, []string{"WIREWATCH_SERVE_TOKEN=from-the-secret"})
	if err != nil {
		t.Fatalf("k8s ConfigMap configuration: %v", err)
	}
	if cfg.Index.Backend != "elasticsearch" || len(cfg.Kafka.Brokers) == 0 {
		t.Errorf("the k8s configuration must use Elasticsearch and an external Kafka")
	}
}
