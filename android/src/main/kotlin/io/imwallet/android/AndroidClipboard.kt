// The Android ClipboardHook (issue 21): the wallet copies through [copy], which labels the clip as
// the wallet's (and sensitive, so Android 13+ hides its preview), and tells the core; when the
// core says so (timeout, lock, logout) the clip is cleared — only if it is still the wallet's.
// Android 10+ hides the clipboard from a background app: then the description is unreadable and
// the clip is cleared anyway (a leaked phrase costs more than a lost copy).
package io.imwallet.android

import android.content.ClipData
import android.content.ClipDescription
import android.content.ClipboardManager
import android.content.Context
import android.os.PersistableBundle
import io.imwallet.ClipKind
import io.imwallet.ClipboardClearReason
import io.imwallet.ClipboardHook
import io.imwallet.WalletCore
import io.imwallet.WalletException

/** The label every clip the wallet puts on the clipboard carries. */
const val WALLET_CLIP_LABEL = "imwallet"

/** Whether a clip with this description (null: unreadable) is to be cleared. */
fun isWalletClip(label: CharSequence?, readable: Boolean): Boolean = !readable || label?.toString() == WALLET_CLIP_LABEL

class AndroidClipboard(context: Context) : ClipboardHook {
    private val clipboard = context.getSystemService(Context.CLIPBOARD_SERVICE) as ClipboardManager

    /** Copies [text] of [kind] for the user and tells [core]; returns the seconds until it is cleared. */
    fun copy(core: WalletCore, text: CharSequence, kind: ClipKind): ULong {
        val clip = ClipData.newPlainText(WALLET_CLIP_LABEL, text)
        if (kind == ClipKind.PHRASE || kind == ClipKind.PRIVATE_KEY) {
            // ClipDescription.EXTRA_IS_SENSITIVE (API 33), by name so older SDKs compile.
            clip.description.extras = PersistableBundle().apply { putBoolean("android.content.extra.IS_SENSITIVE", true) }
        }
        clipboard.setPrimaryClip(clip)
        return core.clipboardCopied(kind)
    }

    override fun clear(reason: ClipboardClearReason) {
        try {
            val description: ClipDescription? = clipboard.primaryClipDescription
            if (isWalletClip(description?.label, description != null)) clipboard.clearPrimaryClip()
        } catch (e: Exception) {
            throw WalletException.HookFailed("could not clear the clipboard: $e")
        }
    }
}
