// A SessionListener that exposes the core's state as a StateFlow for Compose/ViewModels, and
// security events as a SharedFlow.
package io.imwallet.android

import io.imwallet.SecurityEvent
import io.imwallet.SessionListener
import io.imwallet.SessionState
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asSharedFlow
import kotlinx.coroutines.flow.asStateFlow

class WalletSession(initial: SessionState) : SessionListener {
    private val _state = MutableStateFlow(initial)
    private val _events = MutableSharedFlow<SecurityEvent>(extraBufferCapacity = 64)

    val state: StateFlow<SessionState> = _state.asStateFlow()
    val events: SharedFlow<SecurityEvent> = _events.asSharedFlow()

    override fun onStateChanged(state: SessionState) { _state.value = state }
    override fun onSecurityEvent(event: SecurityEvent) { _events.tryEmit(event) }
}
