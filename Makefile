# ferry — GNU make build.
#
#   make            release tree  (build/release/ferry)
#   make asan       sanitizer tree (build/asan/ferry, AddressSanitizer + UBSan)
#   make demo       build and run ferry on the model kept in fixtures/
#   make check      install what tests need (scripts/install-deps.sh), build both
#                   trees and run every test (tests/run.py)
#
# Parallel helpers may build in a tree of their own: make BUILD=build-x.

BUILD ?= build
# make V=1 shows whole command lines
Q := $(if $(V),,@)
CC ?= cc
PYTHON ?= /usr/bin/python3

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wno-format-truncation
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -Iinclude -Isrc -MMD -MP
REL_CFLAGS := $(BASE_CFLAGS) -O2 -g
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_CFLAGS := $(BASE_CFLAGS) -O1 -g $(SAN_FLAGS)
LDLIBS := -lm -lpthread

LIB_SRC := $(sort $(wildcard src/core/*.c src/ir/*.c src/ops/*.c src/interp/*.c src/formats/*.c src/formats/*/*.c src/inspect/*.c src/passes/*.c src/validate/*.c src/targets/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))

define tree
$(1)_OBJ_LIB := $$(patsubst %.c,$(BUILD)/$(1)/%.o,$(LIB_SRC))
$(1)_OBJ_CLI := $$(patsubst %.c,$(BUILD)/$(1)/%.o,$(CLI_SRC))
$(1)_OBJ_UNIT := $$(patsubst %.c,$(BUILD)/$(1)/%.o,$(UNIT_SRC))

$(BUILD)/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	@$$(if $(V),,printf '  CC    %-8s %s\n' $(1) $$<;)
	$(Q)$$(CC) $$($(2)) -c $$< -o $$@

$(BUILD)/$(1)/libferry.a: $$($(1)_OBJ_LIB)
	@rm -f $$@
	@$$(if $(V),,printf '  AR    %-8s %s\n' $(1) $$@;)
	$(Q)ar rcs $$@ $$^

$(BUILD)/$(1)/ferry: $$($(1)_OBJ_CLI) $(BUILD)/$(1)/libferry.a
	@$$(if $(V),,printf '  LINK  %-8s %s\n' $(1) $$@;)
	$(Q)$$(CC) $$($(2)) -o $$@ $$^ $(LDLIBS)

$(BUILD)/$(1)/unit-tests: $$($(1)_OBJ_UNIT) $(BUILD)/$(1)/libferry.a
	@$$(if $(V),,printf '  LINK  %-8s %s\n' $(1) $$@;)
	$(Q)$$(CC) $$($(2)) -o $$@ $$^ $(LDLIBS)

# Test tools: one program per tests/tools/*.c, linked with the library.
$(1)_TOOLS := $$(patsubst tests/tools/%.c,$(BUILD)/$(1)/tools/%,$(TOOL_SRC))
$(BUILD)/$(1)/tools/%: $(BUILD)/$(1)/tests/tools/%.o $(BUILD)/$(1)/libferry.a
	@mkdir -p $$(@D)
	@$$(if $(V),,printf '  LINK  %-8s %s\n' $(1) $$@;)
	$(Q)$$(CC) $$($(2)) -o $$@ $$^ $(LDLIBS)

-include $$($(1)_OBJ_LIB:.o=.d) $$($(1)_OBJ_CLI:.o=.d) $$($(1)_OBJ_UNIT:.o=.d) $$(patsubst %.c,$(BUILD)/$(1)/%.d,$(TOOL_SRC))
endef

$(eval $(call tree,release,REL_CFLAGS))
$(eval $(call tree,asan,ASAN_CFLAGS))

.PHONY: all release asan demo check test clean format bench docs
all: release
release: $(BUILD)/release/ferry $(BUILD)/release/unit-tests $(release_TOOLS)
asan: $(BUILD)/asan/ferry $(BUILD)/asan/unit-tests $(asan_TOOLS)

DEMO_MODEL := fixtures/mnist-8.onnx
DEMO_INPUT := fixtures/mnist-8-input0.npy
demo: $(BUILD)/release/ferry
	$(BUILD)/release/ferry inspect $(DEMO_MODEL)
	$(BUILD)/release/ferry run $(DEMO_MODEL) -i $(DEMO_INPUT) -o $(BUILD)/demo --stats
	$(BUILD)/release/ferry convert $(DEMO_MODEL) -o $(BUILD)/demo/mnist-8.tflite
	$(BUILD)/release/ferry run $(BUILD)/demo/mnist-8.tflite -i $(DEMO_INPUT) -o $(BUILD)/demo/tflite
	$(BUILD)/release/ferry validate $(DEMO_MODEL) $(BUILD)/demo/mnist-8.tflite --per-layer

check:
	bash scripts/install-deps.sh
	$(MAKE) -j2 release asan
	$(PYTHON) tests/run.py --build $(BUILD)

test: release asan
	$(PYTHON) tests/run.py --build $(BUILD)

# docs/targets.md is generated from the target tables (src/targets)
docs: $(BUILD)/release/tools/targets_doc
	$(BUILD)/release/tools/targets_doc > docs/targets.md.tmp && mv docs/targets.md.tmp docs/targets.md

bench: release
	FERRY_BUILD=$(BUILD) bash bench/inspect.sh
	FERRY_BUILD=$(BUILD) bash bench/interp.sh
	FERRY_BUILD=$(BUILD) bash bench/convert.sh
	FERRY_BUILD=$(BUILD) bash bench/validate.sh

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(UNIT_SRC) $(wildcard src/*/*.h src/*/*/*.h include/*.h)

clean:
	rm -rf $(BUILD)
