package config

import (
	"fmt"
	"time"
)

// ProcessConfig configures enrichment.
type ProcessConfig struct {
	// Languages the detector chooses among (ISO 639-1).
	Languages []string `yaml:"languages"`
	// LangHighAccuracy loads lingua's full models: better on single words, but about 650 MB
	// of memory and a 10 s preload instead of 50 MB.
	LangHighAccuracy bool `yaml:"lang_high_accuracy"`
	// TopicsFile holds the topic rules.
	TopicsFile string `yaml:"topics_file"`
	// EntitiesFiles are user knowledge-base files, reloaded when they change.
	EntitiesFiles []string `yaml:"entities_files"`
	// Gazetteer enables the built-in place names (CLDR countries, GeoNames cities).
	Gazetteer bool `yaml:"gazetteer"`
	// ReloadInterval is how often the topics and entities files are checked for changes.
	ReloadInterval time.Duration `yaml:"reload_interval"`
	// StoryWindow is how long an article can start a story that later copies join.
	StoryWindow time.Duration `yaml:"story_window"`
	// StoryMaxArticles bounds the story index's memory: the oldest are forgotten first.
	StoryMaxArticles int `yaml:"story_max_articles"`
	// StoryMaxDistance is the largest Hamming distance between two 64-bit SimHash
	// signatures of one story (0-7; unrelated texts are about 32 apart).
	StoryMaxDistance int `yaml:"story_max_distance"`
	// UnknownMax bounds how many unknown names are remembered for `entities unknown`.
	UnknownMax int `yaml:"unknown_max"`
	// UnknownPath keeps that list across restarts, relative to data_dir unless absolute;
	// "" keeps it in memory only.
	UnknownPath string `yaml:"unknown_path"`
	// Workers is the number of articles enriched in parallel.
	Workers int `yaml:"workers"`
}

func processDefaults() ProcessConfig {
	return ProcessConfig{
		Languages:        []string{"en", "fr", "ru", "uk", "hy", "az", "ka", "tr", "fa", "de", "es", "ar"},
		TopicsFile:       "config/topics.yaml",
		Gazetteer:        true,
		ReloadInterval:   5 * time.Second,
		StoryWindow:      72 * time.Hour,
		StoryMaxArticles: 100000,
		StoryMaxDistance: 6,
		UnknownMax:       20000,
		UnknownPath:      "unknown-names.json",
		Workers:          2,
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
	for i, f := range c.EntitiesFiles {
		if f == "" {
			errs = append(errs, &FieldError{Key: fmt.Sprintf("process.entities_files[%d]", i), Msg: "must not be empty"})
		}
	}
	if c.ReloadInterval < 0 {
		errs = append(errs, &FieldError{Key: "process.reload_interval", Msg: "must not be negative (0 disables reloading)"})
	}
	if c.StoryWindow <= 0 {
		errs = append(errs, &FieldError{Key: "process.story_window", Msg: "must be positive"})
	}
	if c.StoryMaxArticles < 1 {
		errs = append(errs, &FieldError{Key: "process.story_max_articles", Msg: "must be at least 1"})
	}
	if c.StoryMaxDistance < 0 || c.StoryMaxDistance > 7 {
		errs = append(errs, &FieldError{Key: "process.story_max_distance", Msg: fmt.Sprintf("must be 0 to 7, not %d", c.StoryMaxDistance)})
	}
	if c.UnknownMax < 0 {
		errs = append(errs, &FieldError{Key: "process.unknown_max", Msg: "must not be negative"})
	}
	if c.Workers < 1 {
		errs = append(errs, &FieldError{Key: "process.workers", Msg: "must be at least 1"})
	}
	return errs
}
