# The ledger team's gate: AI-authored production code must come with a test change.
package ledger.review

deny contains msg if {
	some path in input.ai_files
	startswith(path, "src/main/")
	path in input.changed_files
	not any_test_changed
	msg := sprintf("%s is AI-authored, but no test under src/test/ changed", [path])
}

any_test_changed if {
	some path in input.changed_files
	startswith(path, "src/test/")
}
