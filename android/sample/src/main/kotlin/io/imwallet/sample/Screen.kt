// What the sample Activities share: a screen built from framework views in code (no XML, no
// AndroidX), a coroutine scope on the main thread, the wallet the Application opened, and
// reading a password out of a field as bytes.
package io.imwallet.sample

import android.app.Activity
import android.text.Editable
import android.text.InputType
import android.view.View
import android.widget.Button
import android.widget.CheckBox
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView
import io.imwallet.android.flows.CoreCalls
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.asCoroutineDispatcher
import java.nio.CharBuffer

/** Implemented by the Application: the wallet it opened. */
interface WalletHost {
    val wallet: CoreCalls
}

val Activity.wallet: CoreCalls get() = (application as WalletHost).wallet

/** A scope on the main thread for one screen: cancel it in `onDestroy`. */
fun Activity.screenScope(): CoroutineScope = CoroutineScope(SupervisorJob() + mainExecutor.asCoroutineDispatcher())

/** A vertical screen of framework views (or a section of one, shown and hidden as a whole). */
class Screen private constructor(private val activity: Activity, private val column: LinearLayout) {
    constructor(activity: Activity) : this(activity, column(activity))

    /** The section's own view (show/hide it); for the whole screen, put [root] in `setContentView`. */
    val view: View get() = column
    val root: View by lazy { ScrollView(activity).apply { addView(column) } }

    fun section(): Screen = Screen(activity, column(activity).apply { setPadding(0, 0, 0, 0) }).also { column.addView(it.column) }

    fun text(initial: String = ""): TextView = TextView(activity).apply { text = initial }.also(column::addView)

    fun button(label: String, onClick: () -> Unit): Button =
        Button(activity).apply { text = label; setOnClickListener { onClick() } }.also(column::addView)

    fun field(hint: String, secret: Boolean = false): EditText = EditText(activity).apply {
        this.hint = hint
        inputType = if (secret) InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_PASSWORD else InputType.TYPE_CLASS_TEXT
    }.also(column::addView)

    fun check(label: String, checked: Boolean = false): CheckBox =
        CheckBox(activity).apply { text = label; isChecked = checked }.also(column::addView)

    /** Removes every view of this section (to rebuild a list). */
    fun clear() = column.removeAllViews()

    private companion object {
        fun column(activity: Activity) = LinearLayout(activity).apply { orientation = LinearLayout.VERTICAL; setPadding(48, 48, 48, 48) }
    }
}

fun View.shown(on: Boolean) { visibility = if (on) View.VISIBLE else View.GONE }

/** The field's text as UTF-8 bytes without making a String of it, then cleared. */
fun EditText.takeSecret(): ByteArray {
    val editable: Editable = text
    val buffer = Charsets.UTF_8.encode(CharBuffer.wrap(editable))
    val bytes = ByteArray(buffer.remaining()).also { buffer.get(it) }
    if (buffer.hasArray()) buffer.array().fill(0)
    editable.clear()
    return bytes
}
