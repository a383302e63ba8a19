package web

import (
	"net/http"
	"strings"

	"wirewatch/internal/httpapi"
	"wirewatch/internal/index"
	"wirewatch/internal/topic"
)

// topicLister gives the topics in force, in file order: the enrichment stage's
// (process.Enricher, reloaded with its file) or a file read once (FixedTopics). It is safe
// for concurrent use and returns a slice the caller may keep.
type topicLister interface {
	Topics() []topic.Topic
}

// FixedTopics is a topics file read once (topic.ParseNames): how a process without the
// enrichment stage knows the topics' names.
type FixedTopics []topic.Topic

// Topics returns the topics.
func (f FixedTopics) Topics() []topic.Topic { return f }

// NameTopicsWith makes search answers carry the topics' names: each value of the topics
// facet gets its label, the name in the reader's language (readerLang) when the topics
// file has one, else the topic's name. Call it before serving.
func (s *Search) NameTopicsWith(l topicLister) { s.topics = l }

// TopicRoutes mounts, for a process that serves the UI without the enrichment stage (which
// mounts its own), the topics the UI names:
//
//	GET /api/topics → 200 {"topics": [{"id", "name", "names", "rule", "rules"}]}: in file
//	                  order, at most topic.MaxTopics; "names" by language, when the file has them
func TopicRoutes(r httpapi.Router, l topicLister) {
	r.Handle("GET /api/topics", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		ts := l.Topics()
		if ts == nil {
			ts = []topic.Topic{}
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"topics": ts})
	}))
}

// labelTopics sets the label of every topics facet value whose topic the lister knows.
func (s *Search) labelTopics(r *http.Request, facets map[string][]index.Count) {
	if s.topics == nil || len(facets["topics"]) == 0 {
		return
	}
	lang := readerLang(r)
	byID := make(map[string]string)
	for _, t := range s.topics.Topics() {
		byID[t.ID] = t.NameIn(lang)
	}
	for i, c := range facets["topics"] {
		if name := byID[c.Value]; name != "" {
			facets["topics"][i].Label = name
		}
	}
}

// readerLang is the language a request reads in: the first language of its
// Accept-Language header ("fr-CH, fr;q=0.9" → "fr-CH"), which browsers send, else "".
func readerLang(r *http.Request) string {
	first, _, _ := strings.Cut(r.Header.Get("Accept-Language"), ",")
	first, _, _ = strings.Cut(first, ";")
	if first = strings.TrimSpace(first); first == "*" {
		return ""
	}
	return first
}
