package persons

// Training a model on a force's own index (`holdfast persons train`): the
// people of the index, deduplicated against themselves without labels, as
// Dedupe does any file. The same person recorded on several cases is what
// m is learnt from; random pairs of the force's own people give u; and the
// names' term-frequency tables are the force's own, so a common local
// family name counts for less than a rare one.

// TrainIndexOptions are the options a model of the index is trained with:
// the index keeps one address line, named "address".
var TrainIndexOptions = Options{AddressNames: []string{"address"}}

// Train trains a model on the people of an index and answers its numbers
// to store (NewModel loads them) and the run, whose pairs and rules say
// how it went. recs are as the index holds people (one address line).
func Train(recs []Record) (Params, *Result) {
	res := Dedupe(recs, TrainIndexOptions)
	return res.Model.Params(), res
}
