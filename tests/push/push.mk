# tests/push/push.mk - the push senders (lib/sc_push_send.h) end to end against the fake push
# services (tests/push/fakepush.mjs, Node 20 without npm packages). Included by the Makefile.
#   make push-check    keys at test time (tests/push/keys.sh), the fake on two free ports of
#                      SC_PORT_LO..SC_PORT_HI, then the driver plain and under ASan+UBSan
PUSH_E2E      := $(B)/tests/push/push_e2e
ASAN_PUSH_E2E := $(B)/asan/tests/push/push_e2e

$(PUSH_E2E): tests/push/push_e2e.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_A) $(PKG_LIBS)

$(ASAN_PUSH_E2E): tests/push/push_e2e.c $(B)/asan/lib/libsc.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -U_FORTIFY_SOURCE -O1 $(SAN) -o $@ $< $(B)/asan/lib/libsc.a $(PKG_LIBS)

.PHONY: push-check
push-check: $(PUSH_E2E) $(ASAN_PUSH_E2E)
	@tests/push/run.sh $(PUSH_E2E) $(ASAN_PUSH_E2E)
