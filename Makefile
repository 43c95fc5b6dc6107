# Conveniences over scripts/check, which holds the commands (so a machine
# without make runs the same checks with `bash scripts/check`).
.PHONY: check fmt vet lint test demo
check:
	bash scripts/check
fmt vet lint test:
	bash scripts/check $@
demo:
	go run ./cmd/holdfast demo
