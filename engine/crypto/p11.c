/* SPDX-License-Identifier: Apache-2.0 */
/*
 * p11.c - the PKCS#11 module: loaded with dlopen from [pkcs11] module, initialised once per
 * process, one logged-in session per token.
 *
 * C_Initialize gets CKF_OS_LOCKING_OK and, when [pkcs11] parameters is set, that string as
 * pReserved: NSS's softokn reads its LibraryParameters there (configdir='sql:DIR'
 * certPrefix='' keyPrefix='' secmod='secmod.db' flags=readOnly); other modules take NULL.
 * The PIN comes from a file only its owner can read (checked by cli/perm.c before we get
 * here) or from an environment variable; it is wiped after C_Login and never logged.
 * Every call into the module holds one lock.
 */
#include <dlfcn.h>
#include <string.h>
#include <openssl/crypto.h>
#include "p11.h"
#include "../util/error.h"

struct token {
    CK_SLOT_ID slot;
    CK_SESSION_HANDLE session;
};

static struct {
    void *dl;
    CK_FUNCTION_LIST *f;
    char *path, *pin_file, *pin_env;
    GArray *tokens; /* struct token */
    GMutex lock;
} mod;

CK_FUNCTION_LIST *p11_functions(void)
{
    return mod.f;
}

const char *p11_module_path(void)
{
    return mod.path;
}

void p11_lock(void)
{
    g_mutex_lock(&mod.lock);
}

void p11_unlock(void)
{
    g_mutex_unlock(&mod.lock);
}

const char *p11_rv_name(CK_RV rv)
{
    static const struct {
        CK_RV rv;
        const char *name;
    } names[] = {
        {CKR_OK, "CKR_OK"}, {CKR_HOST_MEMORY, "CKR_HOST_MEMORY"},
        {CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID"}, {CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"},
        {CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"}, {CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
        {CKR_ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE"},
        {CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"}, {CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED"},
        {CKR_ENCRYPTED_DATA_INVALID, "CKR_ENCRYPTED_DATA_INVALID"},
        {CKR_ENCRYPTED_DATA_LEN_RANGE, "CKR_ENCRYPTED_DATA_LEN_RANGE"},
        {CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID"},
        {CKR_KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT"},
        {CKR_KEY_FUNCTION_NOT_PERMITTED, "CKR_KEY_FUNCTION_NOT_PERMITTED"},
        {CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID"},
        {CKR_MECHANISM_PARAM_INVALID, "CKR_MECHANISM_PARAM_INVALID"},
        {CKR_OPERATION_ACTIVE, "CKR_OPERATION_ACTIVE"},
        {CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"}, {CKR_PIN_LOCKED, "CKR_PIN_LOCKED"},
        {CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE"}, {CKR_PIN_EXPIRED, "CKR_PIN_EXPIRED"},
        {CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID"},
        {CKR_SESSION_CLOSED, "CKR_SESSION_CLOSED"},
        {CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
        {CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"},
        {CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"},
        {CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"},
        {CKR_DATA_LEN_RANGE, "CKR_DATA_LEN_RANGE"}, {CKR_BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL"},
        {CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"},
        {CKR_CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED"},
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(names); i++)
        if (names[i].rv == rv)
            return names[i].name;
    return "an unknown PKCS#11 error";
}

static int initialise(const char *parameters, char **err)
{
    CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(mod.dl, "C_GetFunctionList");
    CK_C_INITIALIZE_ARGS args = {0};
    CK_RV rv;

    if (!get || get(&mod.f) != CKR_OK || !mod.f) {
        *err = g_strdup_printf("PKCS#11 module %s has no C_GetFunctionList", mod.path);
        return -1;
    }
    args.flags = CKF_OS_LOCKING_OK;
    args.pReserved = (void *)parameters; /* NSS: LibraryParameters; others: NULL */
    rv = mod.f->C_Initialize(&args);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        *err = g_strdup_printf("PKCS#11 module %s: C_Initialize failed (%s)%s", mod.path,
                               p11_rv_name(rv), parameters ? "; check [pkcs11] parameters" : "");
        mod.f = NULL;
        return -1;
    }
    return 0;
}

int p11_open(const struct p11_setup *s, char **err)
{
    if (mod.f) {
        if (strcmp(mod.path, s->module) == 0)
            return 0;
        *err = g_strdup_printf("only one PKCS#11 module per process (%s is loaded)", mod.path);
        return -1;
    }
    mod.path = g_strdup(s->module);
    mod.pin_file = g_strdup(s->pin_file);
    mod.pin_env = g_strdup(s->pin_env);
    mod.tokens = g_array_new(FALSE, FALSE, sizeof(struct token));
    /* NODELETE: a module keeps state past C_Finalize (NSS softokn does); unmapping it at
     * exit turns that into leaks in an unknown module under LeakSanitizer */
    if (!(mod.dl = dlopen(s->module, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE))) {
        *err = g_strdup_printf("cannot load PKCS#11 module %s: %s", s->module, dlerror());
        p11_close();
        return -1;
    }
    if (initialise(s->parameters, err) < 0) {
        p11_close();
        return -1;
    }
    return 0;
}

bool p11_is_open(void)
{
    return mod.f != NULL;
}

void p11_close(void)
{
    if (mod.f) {
        guint i;
        for (i = 0; i < mod.tokens->len; i++)
            mod.f->C_CloseSession(g_array_index(mod.tokens, struct token, i).session);
        mod.f->C_Finalize(NULL);
    }
    if (mod.dl)
        dlclose(mod.dl);
    if (mod.tokens)
        g_array_free(mod.tokens, TRUE);
    g_free(mod.path);
    g_free(mod.pin_file);
    g_free(mod.pin_env);
    memset(&mod, 0, sizeof mod);
}

/* A fixed-width, space-padded token field equal to want. */
static bool field_is(const unsigned char *field, size_t width, const char *want)
{
    size_t n = width;

    while (n > 0 && field[n - 1] == ' ')
        n--;
    return strlen(want) == n && memcmp(field, want, n) == 0;
}

static int find_slot(const struct p11_uri *u, CK_SLOT_ID *out, CK_TOKEN_INFO *info, char **err)
{
    CK_ULONG n = 0, i;
    CK_SLOT_ID *slots;
    int found = 0;

    if (mod.f->C_GetSlotList(CK_TRUE, NULL, &n) != CKR_OK)
        n = 0;
    slots = g_new0(CK_SLOT_ID, n + 1);
    if (n && mod.f->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK)
        n = 0;
    for (i = 0; i < n && !found; i++) {
        if (mod.f->C_GetTokenInfo(slots[i], info) != CKR_OK)
            continue;
        if ((u->slot < 0 || (CK_SLOT_ID)u->slot == slots[i]) &&
            (!u->token || field_is(info->label, sizeof info->label, u->token)) &&
            (!u->serial || field_is(info->serialNumber, sizeof info->serialNumber, u->serial))) {
            *out = slots[i];
            found = 1;
        }
    }
    g_free(slots);
    if (!found)
        *err = g_strdup_printf("PKCS#11 module %s has no token %s%s%s%s%s (%lu tokens present)",
                               mod.path, u->token ? "labelled " : "", u->token ? u->token : "",
                               u->serial ? " with serial " : "", u->serial ? u->serial : "",
                               u->slot >= 0 ? " in the slot named" : "", (unsigned long)n);
    return found ? 0 : -1;
}

/* The PIN: the file's first line, or the environment variable. NULL when neither is set. */
static char *read_pin(char **err)
{
    struct bytes b = {0};
    char *pin, *nl;
    int rc;

    if (mod.pin_file) {
        if ((rc = fsio_read_file(mod.pin_file, 4096, &b)) < 0) {
            *err = g_strdup_printf("cannot read the PIN file %s: %s", mod.pin_file,
                                   g_strerror(-rc));
            return NULL;
        }
        pin = g_strndup((const char *)b.data, b.len);
        bytes_wipe_free(&b);
        if ((nl = strpbrk(pin, "\r\n")))
            *nl = 0;
        return pin;
    }
    if (mod.pin_env) {
        const char *v = getenv(mod.pin_env);
        if (!v || !*v) {
            *err = g_strdup_printf("[pkcs11] pin_env names %s, which is not set", mod.pin_env);
            return NULL;
        }
        return g_strdup(v);
    }
    return NULL;
}

static int login(CK_SESSION_HANDLE s, const CK_TOKEN_INFO *info, const char *label, char **err)
{
    char *pin;
    CK_RV rv;

    if (!(info->flags & CKF_LOGIN_REQUIRED))
        return 0;
    if (!(pin = read_pin(err)))
        return error_first(err, "PKCS#11 token %s needs a PIN: set [pkcs11] pin_file or pin_env",
                           label);
    rv = mod.f->C_Login(s, CKU_USER, (CK_UTF8CHAR *)pin, strlen(pin));
    OPENSSL_cleanse(pin, strlen(pin));
    g_free(pin);
    if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN)
        return 0;
    *err = g_strdup_printf("PKCS#11 token %s refused the PIN (%s)%s", label, p11_rv_name(rv),
                           rv == CKR_PIN_INCORRECT ? ": wrong PIN" : "");
    return -1;
}

int p11_session(const struct p11_uri *u, CK_SESSION_HANDLE *out, char **err)
{
    CK_TOKEN_INFO info;
    CK_SLOT_ID slot;
    struct token t = {0};
    char *label;
    guint i;
    CK_RV rv;
    int rc;

    if (!mod.f) {
        *err = g_strdup("a pkcs11: key needs [pkcs11] module (the PKCS#11 library to load)");
        return -1;
    }
    if (find_slot(u, &slot, &info, err) < 0)
        return -1;
    for (i = 0; i < mod.tokens->len; i++)
        if (g_array_index(mod.tokens, struct token, i).slot == slot) {
            *out = g_array_index(mod.tokens, struct token, i).session;
            return 0;
        }
    label = g_strndup((const char *)info.label, sizeof info.label);
    g_strchomp(label);
    if ((rv = mod.f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &t.session)) != CKR_OK) {
        *err = g_strdup_printf("PKCS#11 token %s: C_OpenSession failed (%s)", label,
                               p11_rv_name(rv));
        g_free(label);
        return -1;
    }
    if ((rc = login(t.session, &info, label, err)) < 0)
        mod.f->C_CloseSession(t.session);
    g_free(label);
    if (rc < 0)
        return -1;
    t.slot = slot;
    g_array_append_val(mod.tokens, t);
    *out = t.session;
    return 0;
}
