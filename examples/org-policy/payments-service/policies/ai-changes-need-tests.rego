# An AI-authored change to payment code must come with a test change.
package payments.review

is_test(path) if contains(path, "test")

deny contains msg if {
	some path in input.ai_files
	startswith(path, "payments/")
	path in input.changed_files
	not any_test_changed
	msg := sprintf("%s is AI-authored and changed, but no test file changed", [path])
}

any_test_changed if {
	some path in input.changed_files
	is_test(path)
}
