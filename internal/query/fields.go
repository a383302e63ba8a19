package query

// The index fields are named here, beside the query fields, because they are part of what
// a query means: entity:X searches the entity IDs and the canonical names, lang:fr the
// primary tag, a word the title and body of every language. The stream matcher keys its
// analysed articles (Doc) and Required's keys by these names, and both backends create
// their fields under them, so a saved search selects the same articles on the stream as
// in either index. They stay in this leaf package rather than in the backend contract
// (package index) so that the matcher need not import the index layer above it.

// Index field names shared by the Bleve and Elasticsearch backends. Text is indexed per
// language in TitleField(lang) and BodyField(lang); everything else in one field.
const (
	FieldID          = "id"
	FieldURL         = "url"
	IndexLang        = "lang"
	IndexSource      = "source"     // feed titles of every feed that carried the article
	IndexSourceURL   = "source_url" // feed URLs
	IndexAuthors     = "authors"
	IndexEntities    = "entities"     // entity IDs
	IndexEntityNames = "entity_names" // canonical entity names
	IndexTopics      = "topics"
	IndexCountries   = "countries"
	IndexPublished   = "published"
	IndexStory       = "story_id"
	IndexLocation    = "location"
)

// TitleField and BodyField name the per-language text fields.
func TitleField(langKey string) string { return "title_" + langKey }

// BodyField names the per-language body field (summary and text).
func BodyField(langKey string) string { return "body_" + langKey }

// KeywordIndexFields returns the index fields a keyword query field searches (entity
// searches both the IDs and the canonical names); nil for text and date fields. The slices
// are shared (every compiled search holds its field's): callers must not change them.
func KeywordIndexFields(field string) []string {
	switch field {
	case FieldLang:
		return langIndexFields
	case FieldSource:
		return sourceIndexFields
	case FieldEntity:
		return entityIndexFields
	case FieldTopic:
		return topicIndexFields
	case FieldCountry:
		return countryIndexFields
	case FieldAuthor:
		return authorIndexFields
	case FieldStory:
		return storyIndexFields
	}
	return nil
}

var (
	langIndexFields    = []string{IndexLang}
	sourceIndexFields  = []string{IndexSource}
	entityIndexFields  = []string{IndexEntities, IndexEntityNames}
	topicIndexFields   = []string{IndexTopics}
	countryIndexFields = []string{IndexCountries}
	authorIndexFields  = []string{IndexAuthors}
	storyIndexFields   = []string{IndexStory}
)
