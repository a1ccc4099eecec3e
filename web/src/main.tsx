import { render } from 'solid-js/web'
import { App } from './App'
import { installFocusKeeper } from './lib/focusKeeper'
import './styles.css'

installFocusKeeper()
render(() => <App />, document.getElementById('root')!)
