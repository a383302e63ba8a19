package config

import "fmt"

// ProcessConfig configures enrichment.
type ProcessConfig struct {
	// Languages the detector chooses among (ISO 639-1).
	Languages []string `yaml:"languages"`
	// TopicsFile holds the topic rules.
	TopicsFile string `yaml:"topics_file"`
	// EntitiesFiles are user knowledge-base files, reloaded when they change.
	EntitiesFiles []string `yaml:"entities_files"`
	// Workers is the number of articles enriched in parallel.
	Workers int `yaml:"workers"`
}

func processDefaults() ProcessConfig {
	return ProcessConfig{
		Languages:  []string{"en", "fr", "ru", "uk", "hy", "az", "ka", "tr", "fa", "de", "es", "ar"},
		TopicsFile: "config/topics.yaml",
		Workers:    2,
	}
}

func (c *ProcessConfig) validate() []error {
	var errs []error
	if len(c.Languages) == 0 {
		errs = append(errs, &FieldError{Key: "process.languages", Msg: "must list at least one language"})
	}
	for i, l := range c.Languages {
		if len(l) != 2 {
			errs = append(errs, &FieldError{Key: fmt.Sprintf("process.languages[%d]", i), Msg: fmt.Sprintf("%q is not an ISO 639-1 code", l)})
		}
	}
	if c.Workers < 1 {
		errs = append(errs, &FieldError{Key: "process.workers", Msg: "must be at least 1"})
	}
	return errs
}
