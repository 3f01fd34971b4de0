/* Every type of the interface language through the generated stubs and dispatch: a
 * user thread calls, a supervisor thread serves.  Prints "PASS <name>" or "FAIL ...". */
#include <zephyr/kernel.h>
#include <idl/echo.h>

LEVANTE_IPC_ENDPOINT_DEFINE(echo_ep, echo);

static void check(const char *name, bool ok)
{
	printk("%s %s\n", ok ? "PASS" : "FAIL", name);
}

/* ---- the server ------------------------------------------------------------------------ */

static int mirror(void *context, uint8_t a, int16_t b, uint32_t c, uint64_t d, int64_t e,
		  bool f, enum level lv, const char *s, const uint8_t *raw, size_t raw_len,
		  const int32_t arr[4], const struct pair *p, uint8_t *oa, int16_t *ob,
		  uint32_t *oc, uint64_t *od, int64_t *oe, bool *of, enum level *olv,
		  char os[11], uint8_t oraw[6], size_t *oraw_len, int32_t oarr[4],
		  struct pair *op)
{
	ARG_UNUSED(context);
	*oa = a + 1;
	*ob = -b;
	*oc = ~c;
	*od = d + 1;
	*oe = e - 1;
	*of = !f;
	*olv = lv == LEVEL_HIGH ? LEVEL_LOW : LEVEL_HIGH;
	size_t length = strlen(s);

	for (size_t i = 0; i < length; i++) {
		os[i] = s[length - 1 - i];
	}
	os[length] = '\0';
	for (size_t i = 0; i < raw_len; i++) {
		oraw[i] = raw[raw_len - 1 - i];
	}
	*oraw_len = raw_len;
	for (int i = 0; i < 4; i++) {
		oarr[i] = arr[i] * 2;
	}
	*op = *p;
	op->b = -p->b;
	op->a.ok = !p->a.ok;
	return 0;
}

static int fail(void *context, int32_t code)
{
	ARG_UNUSED(context);
	return code;
}

static int give(void *context, uint32_t h, uint32_t *back)
{
	ARG_UNUSED(context);
	*back = h;
	return 0;
}

static const struct echo_ops ops = { .mirror = mirror, .fail = fail, .give = give };

static void server_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	while (echo_serve_once(&echo_ep, &ops, NULL, K_MSEC(100)) != -EAGAIN) {
	}
}

/* ---- the client ------------------------------------------------------------------------ */

static void client_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	const uint8_t raw[6] = { 0, 1, 2, 3, 0xFE, 0xFF };
	const int32_t arr[4] = { -1, 2, INT32_MIN / 2, 7 };
	struct pair p = { .a = { .t = INT64_MIN + 5, .v = { 1, 65535, 3 }, .ok = true,
				 .lv = LEVEL_MID },
			  .b = -128 };
	uint8_t oa = 0;
	int16_t ob = 0;
	uint32_t oc = 0;
	uint64_t od = 0;
	int64_t oe = 0;
	bool of = true;
	enum level olv = LEVEL_MID;
	char os[11] = { 0 };
	uint8_t oraw[6] = { 0 };
	size_t oraw_len = 99;
	int32_t oarr[4] = { 0 };
	struct pair op = { 0 };

	int result = echo_mirror(&echo_ep, 254, -32767, 0x12345678u, 0xFFFFFFFFFFFFFFFEull,
				 INT64_MIN + 1, false, LEVEL_HIGH, "ten chars!", raw, 6, arr, &p,
				 &oa, &ob, &oc, &od, &oe, &of, &olv, os, oraw, &oraw_len, oarr,
				 &op);
	check("mirror_ok", result == 0);
	check("u8", oa == 255);
	check("i16", ob == 32767);
	check("u32", oc == 0xEDCBA987u);
	check("u64", od == 0xFFFFFFFFFFFFFFFFull);
	check("i64", oe == INT64_MIN);
	check("bool", of == true);
	check("enum", olv == LEVEL_LOW);
	check("string", strcmp(os, "!srahc net") == 0);
	check("bytes", oraw_len == 6 && oraw[0] == 0xFF && oraw[1] == 0xFE && oraw[5] == 0);
	check("array", oarr[0] == -2 && oarr[1] == 4 && oarr[2] == INT32_MIN && oarr[3] == 14);
	check("struct", op.b == -128 && op.a.t == INT64_MIN + 5 && op.a.v[1] == 65535 &&
				op.a.ok == false && op.a.lv == LEVEL_MID);

	/* A longer string is cut to its bound by the stub; empty bytes go as empty. */
	result = echo_mirror(&echo_ep, 0, 0, 0, 0, 0, true, LEVEL_LOW, "abcdefghijklmnop", raw, 0,
			     arr, &p, &oa, &ob, &oc, &od, &oe, &of, &olv, os, oraw, &oraw_len,
			     oarr, &op);
	check("string_cut_to_bound", result == 0 && strcmp(os, "jihgfedcba") == 0);
	check("bytes_empty", oraw_len == 0);
	/* Bytes longer than their bound never leave the stub. */
	result = echo_mirror(&echo_ep, 0, 0, 0, 0, 0, true, LEVEL_LOW, "", raw, 7, arr, &p, &oa,
			     &ob, &oc, &od, &oe, &of, &olv, os, oraw, &oraw_len, oarr, &op);
	check("bytes_past_bound_emsgsize", result == -EMSGSIZE);

	check("server_error_returned", echo_fail(&echo_ep, -ENOENT) == -ENOENT);
	check("positive_error_einval", echo_fail(&echo_ep, 3) == -EINVAL);

	uint32_t back = 0;

	/* 5 names no handle the sender's domain holds: the message is refused. */
	check("forged_handle_ebadf", echo_give(&echo_ep, 5, &back) == -EBADF);
	check("no_handle_passes", echo_give(&echo_ep, 0, &back) == 0 && back == 0);

	/* Hostile arguments straight to the system calls. */
	uint8_t buffer[32] = { 0 };
	uint32_t token = 0;

	check("call_too_long_emsgsize",
	      levante_ipc_call(&echo_ep, buffer, 5000, buffer, sizeof(buffer), K_NO_WAIT) ==
		      -EMSGSIZE);
	check("call_tiny_reply_einval",
	      levante_ipc_call(&echo_ep, buffer, 16, buffer, 8, K_NO_WAIT) == -EINVAL);
	check("receive_tiny_einval",
	      levante_ipc_receive(&echo_ep, buffer, 4, &token, K_NO_WAIT) == -EINVAL);
	check("reply_forged_token_einval",
	      levante_ipc_reply(&echo_ep, 0x1234, buffer, 16) == -EINVAL);
	check("reply_error_zero_einval", levante_ipc_reply_error(&echo_ep, 1, 0) == -EINVAL);
	check("empty_request_ebadmsg",
	      levante_ipc_call(&echo_ep, buffer, 0, buffer, sizeof(buffer), K_NO_WAIT) ==
		      -EBADMSG);
}

/* A user thread the endpoint was never granted to: its call faults (K_ERR_KERNEL_OOPS). */
static void intruder_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	uint32_t back = 0;

	(void)echo_give(&echo_ep, 0, &back);
	printk("FAIL intruder_called\n");
}

K_THREAD_DEFINE(server, 3072, server_entry, NULL, NULL, NULL, 6, 0, 0);
K_THREAD_DEFINE(client, 3072, client_entry, NULL, NULL, NULL, 5, K_USER, 5);
K_THREAD_DEFINE(intruder, 1024, intruder_entry, NULL, NULL, NULL, 7, K_USER, 200);
K_THREAD_ACCESS_GRANT(client, &echo_ep);

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("intruder stopped: reason %u\n", reason);
}

int main(void)
{
	k_sleep(K_MSEC(400));
	printk("DONE\n");
	return 0;
}
